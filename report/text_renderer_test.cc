#include "report/text_renderer.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "report/testing/sample_report.h"

namespace ddcrash {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(TextRendererTest, SummaryShowsCauseExceptionAndCrashingStack) {
  const std::string summary = RenderSummary(SampleCrashReport());
  EXPECT_THAT(summary, HasSubstr("Crash of process 4242 /app/App (.NET 8.0.11)"));
  EXPECT_THAT(summary, HasSubstr("Signal: SIGABRT (SI_TKILL) at 0x0 in thread 4243"));
  EXPECT_THAT(summary, HasSubstr("Exception: System.InvalidOperationException: ddcrash test: "
                                 "worker thread (HResult 0x80131509)"));
  EXPECT_THAT(summary, HasSubstr("---> Inner: System.IO.FileNotFoundException: missing.txt"));
  EXPECT_THAT(summary, HasSubstr("Threads: 3  Modules: 4"));
  EXPECT_THAT(summary, HasSubstr("Incomplete: [attach: threads kept appearing"));
  EXPECT_THAT(summary,
              HasSubstr("Thread 4243 \"worker\" (managed 3) [crashed]"));
  EXPECT_THAT(summary, HasSubstr("libc.so.6!__pthread_kill_implementation+0x11c"));
  EXPECT_THAT(summary, HasSubstr("Ddcrash.TestApp.Crasher.Fail() (App.dll IL_0012)  [managed,dac]"));
}

TEST(TextRendererTest, AggregateShowsEveryInnerExceptionAndWhatWasCut) {
  Report report = SampleCrashReport();
  Exception* aggregate = report.mutable_exception();
  aggregate->Clear();
  aggregate->set_type("System.AggregateException");
  aggregate->set_message("One or more errors occurred.");
  aggregate->mutable_inner()->set_type("System.InvalidOperationException");
  aggregate->mutable_inner()->set_message("first");
  *aggregate->add_inner_exceptions() = aggregate->inner();
  aggregate->add_inner_exceptions()->set_type("System.ArgumentException");
  aggregate->mutable_inner_exceptions(1)->set_message("second");
  aggregate->set_inner_exceptions_omitted(3);
  EXPECT_THAT(RenderSummary(report),
              ::testing::HasSubstr(
                  "Exception: System.AggregateException: One or more errors occurred.\n"
                  "  ---> Inner: System.InvalidOperationException: first\n"
                  "  ---> Inner: System.ArgumentException: second\n"
                  "  ---> (3 more inner exceptions not captured)\n"));
}

TEST(TextRendererTest, SummaryNamesTheThrowSiteAndPrintsTheRecordedTrace) {
  Report report = SampleCrashReport();
  Exception* e = report.mutable_exception();
  e->Clear();
  e->set_type("System.InvalidOperationException");
  e->set_message("order 42 invalid");
  Frame* dispatcher = e->add_frames();
  dispatcher->set_kind(FRAME_KIND_MANAGED);
  dispatcher->set_function("System.Number.Throw()");
  dispatcher->mutable_managed()->set_module_path("/rt/System.Private.CoreLib.dll");
  Frame* site = e->add_frames();
  site->set_kind(FRAME_KIND_MANAGED);
  site->set_function("Orders.Validate(Int32)");
  site->mutable_managed()->set_module_path("/app/Orders.dll");
  site->mutable_managed()->set_il_offset(0x12);
  e->set_stack_trace("   at System.Number.Throw()\n   at Orders.Validate(Int32 id)");
  EXPECT_THAT(RenderSummary(report),
              ::testing::HasSubstr(
                  "Exception: System.InvalidOperationException: order 42 invalid\n"
                  "  Thrown at: Orders.Validate(Int32) (Orders.dll IL_0012)\n"
                  "    at System.Number.Throw()\n"
                  "    at Orders.Validate(Int32 id)\n"));
}

TEST(TextRendererTest, ThreadListHasOneLinePerThreadWithTopFrame) {
  const std::string list = RenderThreadList(SampleCrashReport());
  EXPECT_EQ(std::count(list.begin(), list.end(), '\n'), 3);
  EXPECT_THAT(list, HasSubstr("4243  \"worker\""));
  EXPECT_THAT(list, HasSubstr("__pthread_kill_implementation+0x11c  [crashed]"));
}

TEST(TextRendererTest, ModulesShowFormatBuildIdAndPath) {
  const std::string modules = RenderModules(SampleCrashReport());
  EXPECT_THAT(modules, HasSubstr("elf   4a2b1c0d9e8f7a6b"));
  EXPECT_THAT(modules, HasSubstr("/usr/lib/x86_64-linux-gnu/libc.so.6"));
  EXPECT_THAT(modules, HasSubstr("pe    -"));
}

TEST(TextRendererTest, BundledModulesSayWhereTheyLie) {
  Report report = SampleCrashReport();
  Module& module = *report.add_modules();
  module.set_path("/opt/app/System.Private.CoreLib.dll");
  module.set_format(MODULE_FORMAT_PE);
  module.mutable_bundled()->set_executable("/opt/app/App");
  module.mutable_bundled()->set_offset(0x1f43a00);
  module.mutable_bundled()->set_size(0xc31000);
  EXPECT_THAT(RenderModules(report),
              HasSubstr("/opt/app/System.Private.CoreLib.dll (bundled in /opt/app/App at "
                        "0x1f43a00, 0xc31000 bytes)\n"));
}

TEST(TextRendererTest, SaysWhereTheReportWasMadeAndWhyAWalkStoppedShort) {
  Report report = SampleCrashReport();
  EXPECT_THAT(RenderSummary(report), HasSubstr("by ddreport 0.1.0-test on build-host\n"));
  Thread& worker = *report.mutable_threads(1);
  EXPECT_THAT(RenderThread(report, worker), Not(HasSubstr("native walk stopped")));
  worker.set_unwind_end(UNWIND_END_CFI_FAILED);
  EXPECT_THAT(RenderThread(report, worker), HasSubstr("(native walk stopped: the CFI step failed)"));
  worker.set_unwind_end(UNWIND_END_DEADLINE);
  EXPECT_THAT(RenderThread(report, worker),
              HasSubstr("(native walk stopped: DDCRASH_TIMEOUT_MS ran out before it began; "
                        "frame 0 only)"));
}

TEST(TextRendererTest, FrameWithoutSymbolShowsModuleOffsetOrQuestionMarks) {
  Report report;
  report.add_modules()->set_path("/lib/libfoo.so");
  Frame frame;
  frame.set_module_index(0);
  frame.set_module_offset(0x1234);
  EXPECT_EQ(FrameLabel(report, frame), "libfoo.so!+0x1234");
  frame.set_module_index(-1);
  EXPECT_EQ(FrameLabel(report, frame), "???");
  frame.set_module_index(1);  // out of range, as in a corrupt report: no module
  EXPECT_EQ(FrameLabel(report, frame), "???");
}

TEST(TextRendererTest, PrintableEscapesControlCharacters) {
  EXPECT_EQ(Printable("plain text: /app/App.dll, Ünïcødé ✓ 😀"),
            "plain text: /app/App.dll, Ünïcødé ✓ 😀");
  EXPECT_EQ(Printable("a\x1b[2Jb\x07\x7f\n\t\r"), "a\\x1b[2Jb\\x07\\x7f\\n\\t\\r");
  EXPECT_EQ(Printable("\xc2\x9b" "31m\xc2\xa0"), "\\u009b31m\xc2\xa0");  // C1 CSI; NBSP kept
  EXPECT_EQ(Printable(std::string("\x9b\xff\xc0\x9b\xe0\x80\x9b\xed\xa0\x80\xf4\x90\x80\x80"
                                  "\xe2\x82", 16)),
            "\\x9b\\xff\\xc0\\x9b\\xe0\\x80\\x9b\\xed\\xa0\\x80\\xf4\\x90\\x80\\x80\\xe2\\x82");
  EXPECT_EQ(Printable(std::string("a\0b", 3)), "a\\x00b");
}

// Terminal escape sequences planted in every text field a view prints never reach the
// terminal raw.
TEST(TextRendererTest, EveryPrintedFieldIsEscaped) {
  int planted = 0;
  auto hostile = [&planted] {
    return absl::StrCat("f", planted++, "\x1b]0;pwn\x07\x1b[2J\r\n\xc2\x9b\x9b\x7f");
  };
  Report report = SampleCrashReport();
  Process* process = report.mutable_process();
  process->set_exe(hostile());
  process->mutable_runtime()->set_version(hostile());
  report.mutable_diagnostics()->set_reporter_version(hostile());
  report.mutable_diagnostics()->mutable_incomplete_reasons(0)->set_stage(hostile());
  report.mutable_diagnostics()->mutable_incomplete_reasons(0)->set_reason(hostile());
  report.mutable_signal()->set_name(hostile());
  report.mutable_signal()->set_code_name(hostile());
  report.mutable_exception()->set_type(hostile());
  report.mutable_exception()->set_message(hostile());
  report.mutable_exception()->mutable_inner()->set_type(hostile());
  report.mutable_exception()->mutable_inner()->set_message(hostile());
  for (Module& module : *report.mutable_modules()) {
    module.set_path(hostile());
    module.set_build_id(hostile());
  }
  for (Thread& thread : *report.mutable_threads()) {
    thread.set_name(hostile());
    thread.set_managed_id(thread.managed_id() + 1);
    thread.set_error(hostile());
    for (Frame& frame : *thread.mutable_frames()) {
      frame.set_function(hostile());
      // A managed frame's label names its module_path; the others' their module's path.
      frame.mutable_managed()->set_module_path(hostile());
    }
  }
  Frame* stub = report.mutable_threads(1)->add_frames();
  stub->set_kind(FRAME_KIND_RUNTIME_STUB);
  stub->set_function(hostile());

  std::string all = RenderSummary(report) + RenderThreadList(report) + RenderModules(report);
  for (const Thread& thread : report.threads()) all += RenderThread(report, thread);
  for (const char raw : {'\x1b', '\x07', '\r', '\x7f', '\x9b'}) {
    EXPECT_EQ(all.find(raw), std::string::npos) << static_cast<int>(raw);
  }
  // Every planted value shows, escaped (the summary's and the list's frames are among the
  // threads' ones).
  for (int i = 0; i < planted; ++i) {
    EXPECT_THAT(all, HasSubstr(absl::StrCat("f", i, "\\x1b]0;pwn\\x07\\x1b[2J\\r\\n\\u009b\\x9b\\x7f")))
        << "field " << i;
  }
}

// A thread as a crash leaves it: unnamed libcoreclr.so frames on top, a named one, two more
// unnamed ones, a managed frame with its source line. Modules it names that `report` lacks
// are added to it.
Thread FoldingThread(Report* report) {
  Thread thread;
  thread.set_tid(7);
  auto module_index = [&](const std::string& path) {
    if (path.empty()) return -1;
    for (int i = 0; i < report->modules_size(); ++i) {
      if (report->modules(i).path() == path) return i;
    }
    report->add_modules()->set_path(path);
    return report->modules_size() - 1;
  };
  auto add = [&](FrameKind kind, const std::string& module, const std::string& function) {
    Frame* f = thread.add_frames();
    f->set_index(static_cast<uint32_t>(thread.frames_size() - 1));
    f->set_kind(kind);
    f->set_module_index(module_index(module));
    f->set_function(function);
    return f;
  };
  add(FRAME_KIND_NATIVE, "/usr/lib/libc.so.6", "");  // not the runtime's: kept
  for (int i = 0; i < 3; ++i) add(FRAME_KIND_NATIVE, "/app/libcoreclr.so", "");
  add(FRAME_KIND_NATIVE, "/app/libcoreclr.so", "PROCAbort");
  add(FRAME_KIND_NATIVE, "/app/libcoreclr.so", "");  // a run of one: kept
  add(FRAME_KIND_NATIVE, "/app/libclrjit.so", "");
  add(FRAME_KIND_NATIVE, "/app/libclrjit.so", "");
  Frame* managed = add(FRAME_KIND_MANAGED, "", "Ns.Type.Method(System.Int32)");
  managed->mutable_managed()->set_module_path("/app/App.dll");
  managed->mutable_managed()->set_il_offset(0x12);
  managed->mutable_managed()->set_source_file("/src/App/Program.cs");
  managed->mutable_managed()->set_source_line(212);
  return thread;
}

TEST(TextRendererTest, FoldsRunsOfUnnamedRuntimeFramesAndShowsSourceLines) {
  Report report = SampleCrashReport();  // runtime at /app/libcoreclr.so
  const Thread thread = FoldingThread(&report);
  const std::string folded = RenderThread(report, thread);
  EXPECT_THAT(folded, HasSubstr("  #1-3  3 frames in libcoreclr.so without symbols"));
  EXPECT_THAT(folded, HasSubstr("libcoreclr.so!PROCAbort"));
  EXPECT_THAT(folded, HasSubstr("#5   "));
  EXPECT_THAT(folded, HasSubstr("  #6-7  2 frames in libclrjit.so without symbols"));
  EXPECT_THAT(folded, HasSubstr("libc.so.6!+0x0"));
  EXPECT_THAT(folded, HasSubstr("Ns.Type.Method(System.Int32) in /src/App/Program.cs:line 212 "
                                "(App.dll IL_0012)"));
  RenderOptions all;
  all.all_frames = true;
  const std::string every = RenderThread(report, thread, all);
  EXPECT_THAT(every, Not(HasSubstr("without symbols")));
  for (int i = 0; i < thread.frames_size(); ++i) {
    EXPECT_THAT(every, HasSubstr(absl::StrCat("  #", i, " "))) << i;
  }
}

}  // namespace
}  // namespace ddcrash
