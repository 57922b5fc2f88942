#include "report/text_renderer.h"

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
  Frame frame;
  frame.set_module("/lib/libfoo.so");
  frame.set_module_offset(0x1234);
  EXPECT_EQ(FrameLabel(frame), "libfoo.so!+0x1234");
  EXPECT_EQ(FrameLabel(Frame()), "???");
}

}  // namespace
}  // namespace ddcrash
