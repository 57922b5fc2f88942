#include "capture/capture.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "dac/testing/managed_frames.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ptrace/fake_process_snapshot.h"

namespace ddcrash {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr pid_t kPid = 4242;
constexpr uint64_t kLibcBase = 0x7f0000000000;
constexpr uint64_t kJitBase = 0x7f3000000000;
const absl::Time kStart = absl::FromUnixSeconds(1764000000);

// A clock the test moves; nothing sleeps.
struct TestClock {
  absl::Time now = kStart;
  std::function<absl::Time()> Function() {
    return [this] { return now; };
  }
};

ThreadState Stopped(pid_t tid, const std::string& name, uint64_t rip, uint64_t rsp) {
  ThreadState thread;
  thread.tid = tid;
  thread.name = name;
  thread.sched_state = 'S';
  thread.stopped = true;
  thread.regs.rip = rip;
  thread.regs.rsp = rsp;
  return thread;
}

ThreadState Unstopped(pid_t tid, const std::string& error) {
  ThreadState thread;
  thread.tid = tid;
  thread.name = "busy";
  thread.sched_state = 'R';
  thread.error = error;
  return thread;
}

ModuleMap TwoModules() {
  LoadedModule libc;
  libc.path = "/usr/lib/libc.so.6";
  libc.kind = ModuleKind::kElf;
  libc.base = kLibcBase;
  libc.end = kLibcBase + 0x200000;
  libc.build_id = std::string("\x4a\x2b", 2);
  libc.executable = true;
  LoadedModule jit;
  jit.kind = ModuleKind::kAnonymousExecutable;
  jit.base = kJitBase;
  jit.end = kJitBase + 0x100000;
  jit.executable = true;
  return ModuleMap({}, {libc, jit});
}

NativeFrame Walked(uint64_t ip, uint64_t sp) {
  NativeFrame frame;
  frame.ip = ip;
  frame.sp = sp;
  frame.trust = NativeFrameTrust::kCfi;
  return frame;
}

// Stacks given per thread, names per ip; counts calls, and can move the clock.
class FakeUnwinder : public NativeUnwinder {
 public:
  absl::StatusOr<UnwoundStack> Unwind(const ThreadState& thread, size_t max_frames) override {
    ++unwound;
    last_max_frames = max_frames;
    if (clock != nullptr) clock->now += time_per_thread;
    auto error = errors.find(thread.tid);
    if (error != errors.end()) return error->second;
    UnwoundStack stack;
    NativeFrame top;
    top.ip = thread.regs.rip;
    top.sp = thread.regs.rsp;
    top.ip_is_exact = true;
    stack.frames.push_back(top);
    auto more = callers.find(thread.tid);
    if (more != callers.end()) {
      for (const NativeFrame& frame : more->second) stack.frames.push_back(frame);
    }
    auto end = ends.find(thread.tid);
    if (end != ends.end()) stack.end = end->second;
    stack.truncated = stack.end == WalkEnd::kFrameLimit;
    return stack;
  }

  void NameFrames(UnwoundStack& stack) override {
    for (NativeFrame& frame : stack.frames) {
      auto name = names.find(frame.ip);
      if (name != names.end()) frame.function = name->second;
    }
  }

  std::map<pid_t, std::vector<NativeFrame>> callers;
  std::map<pid_t, WalkEnd> ends;
  std::map<pid_t, absl::Status> errors;
  std::map<uint64_t, std::string> names;
  TestClock* clock = nullptr;
  absl::Duration time_per_thread;
  int unwound = 0;
  size_t last_max_frames = 0;
};

class FakeManagedSource : public dac::ManagedStateSource {
 public:
  absl::StatusOr<dac::FoundRuntime> FindRuntime(ProcessSnapshot&) override { return runtime; }
  absl::StatusOr<dac::ManagedState> Collect(ProcessSnapshot&,
                                            const dac::ManagedStateRequest& request) override {
    requests.push_back(request);
    return state;
  }

  absl::StatusOr<dac::FoundRuntime> runtime = dac::FoundRuntime{false, "/dotnet/libcoreclr.so", "8.0.11"};
  absl::StatusOr<dac::ManagedState> state = dac::ManagedState();
  std::vector<dac::ManagedStateRequest> requests;
};

ProcessInfo Info() {
  ProcessInfo info;
  info.pid = kPid;
  info.ppid = 1;
  info.exe = "/app/App";
  info.cmdline = {"/app/App", "--token", "abc"};
  info.environment = {"PATH=/usr/bin", "API_KEY=xyz"};
  return info;
}

struct Harness {
  explicit Harness(Trigger trigger = TRIGGER_SNAPSHOT, pid_t crashing_tid = 0) {
    options.reporter_version = "test";
    options.reporter_source_revision = "0123abc";
    options.trigger = trigger;
    if (crashing_tid != 0) {
      CrashContext crash;
      crash.signal = 6;
      crash.code = -6;
      crash.crashing_tid = crashing_tid;
      options.crash = crash;
    }
    options.start = kStart;
    options.timeout = absl::Seconds(5);
    options.dac_timeout = absl::Seconds(3);
    options.max_frames = 64;
    options.clock = clock.Function();
    options.checkpoint = [this](const Report& report) { checkpoints.push_back(report); };
    process.set_modules(TwoModules());
    unwinder.clock = &clock;
  }

  // Every stage, in order, as the live driver runs them.
  Report Run() {
    Capture capture(options);
    capture.SetProcess(Info(), "build-host");
    capture.AddSnapshot(process);
    capture.UnwindStacks(process, unwinder);
    if (std::optional<dac::ManagedState> state = capture.CollectManagedState(process, managed)) {
      capture.MergeManagedState(*std::move(state));
    }
    capture.RecordDetach(absl::OkStatus(), absl::ZeroDuration(), false);
    return std::move(capture).Build();
  }

  TestClock clock;
  CaptureOptions options;
  FakeProcessSnapshot process{kPid};
  FakeUnwinder unwinder;
  FakeManagedSource managed;
  std::vector<Report> checkpoints;
};

std::vector<std::string> Reasons(const Report& report) {
  std::vector<std::string> reasons;
  for (const IncompleteReason& reason : report.diagnostics().incomplete_reasons()) {
    reasons.push_back(reason.stage() + ": " + reason.reason());
  }
  return reasons;
}

std::vector<std::string> Functions(const Thread& thread) {
  std::vector<std::string> names;
  for (const Frame& frame : thread.frames()) names.push_back(frame.function());
  return names;
}

// NativeAOT has no DAC: the flavor and the image are reported, the DAC is never asked, and
// nothing is incomplete for lack of one.
TEST(CaptureTest, NativeAotIsNamedWithoutAskingADac) {
  Harness h;
  h.process.AddThread(Stopped(kPid, "App", kLibcBase + 0x100, 0x7ffd0000));
  dac::FoundRuntime aot;
  aot.path = "/app/App";
  aot.native_aot = true;
  h.managed.runtime = aot;
  const Report report = h.Run();
  EXPECT_EQ(report.process().runtime().flavor(), RUNTIME_FLAVOR_NATIVE_AOT);
  EXPECT_EQ(report.process().runtime().path(), "/app/App");
  EXPECT_TRUE(report.process().runtime().version().empty());
  EXPECT_TRUE(h.managed.requests.empty());
  EXPECT_FALSE(report.diagnostics().incomplete()) << ::testing::PrintToString(Reasons(report));
}

// At a NativeAOT fail-fast the exception comes from the record the runtime passed
// (--exception-record) and the triage JSON it points to.
TEST(CaptureTest, NativeAotExceptionFromTheFailFastRecord) {
  Harness h(TRIGGER_CRASH, kPid);
  h.options.crash->exception_record = 0x10000;
  h.process.AddThread(Stopped(kPid, "App", kLibcBase + 0x100, 0x7ffd0000));
  const std::string json =
      R"({"version":"1.0.0","runtime_version":"10.0.12","exception":{"hr":"0x80131509",)"
      R"("message":"worker fault","type":"System.InvalidOperationException"}})";
  uint64_t record[19] = {};
  record[0] = 0xC0000409;  // ExceptionCode; ExceptionFlags 0
  record[3] = 4;           // NumberParameters
  record[4] = 0x48;        // FAST_FAIL_EXCEPTION_DOTNET_AOT
  record[5] = 0x80131509;
  record[6] = 0x20000;
  record[7] = json.size();
  h.process.fake_memory().AddValue(0x10000, record);
  h.process.fake_memory().AddRegion(0x20000, json);
  dac::FoundRuntime aot;
  aot.path = "/app/App";
  aot.native_aot = true;
  h.managed.runtime = aot;
  const Report report = h.Run();
  EXPECT_EQ(report.process().runtime().version(), "10.0.12");
  EXPECT_EQ(report.exception().type(), "System.InvalidOperationException");
  EXPECT_EQ(report.exception().message(), "worker fault");
  EXPECT_EQ(static_cast<uint32_t>(report.exception().hresult()), 0x80131509u);
  EXPECT_EQ(report.exception().tid(), static_cast<uint32_t>(kPid));
  ASSERT_EQ(report.threads_size(), 1);
  EXPECT_EQ(report.threads(0).exception().type(), "System.InvalidOperationException");
}

TEST(CaptureTest, AssemblesProcessModulesThreadsAndNativeStacks) {
  Harness h;
  h.process.AddThread(Stopped(kPid, "App", kLibcBase + 0x100, 0x7ffd0000));
  h.unwinder.callers[kPid] = {Walked(kJitBase + 0x40, 0x7ffd0100),
                              Walked(kLibcBase + 0x2000, 0x7ffd0200)};
  h.unwinder.names = {{kLibcBase + 0x100, "futex_wait"}, {kLibcBase + 0x2000, "main"}};
  h.managed.runtime = absl::NotFoundError("no runtime");
  const Report report = h.Run();

  EXPECT_FALSE(report.diagnostics().incomplete()) << ::testing::PrintToString(Reasons(report));
  EXPECT_EQ(report.trigger(), TRIGGER_SNAPSHOT);
  EXPECT_EQ(report.process().pid(), static_cast<uint32_t>(kPid));
  EXPECT_EQ(report.process().hostname(), "build-host");
  EXPECT_THAT(report.process().cmdline(), ElementsAre("/app/App", "--token", "[scrubbed]"));
  EXPECT_EQ(report.process().runtime().flavor(), RUNTIME_FLAVOR_NONE);
  EXPECT_EQ(report.diagnostics().reporter_version(), "test");
  EXPECT_EQ(report.diagnostics().reporter_source_revision(), "0123abc");
  ASSERT_EQ(report.modules_size(), 2);
  EXPECT_EQ(report.modules(0).build_id(), "4a2b");
  EXPECT_EQ(report.modules(1).format(), MODULE_FORMAT_ANONYMOUS);

  ASSERT_EQ(report.threads_size(), 1);
  const Thread& thread = report.threads(0);
  EXPECT_THAT(thread.roles(), ElementsAre(THREAD_ROLE_MAIN));
  EXPECT_EQ(thread.state(), "S");
  EXPECT_EQ(thread.registers().rip(), kLibcBase + 0x100);
  EXPECT_EQ(thread.unwind_end(), UNWIND_END_OUTERMOST_FRAME);
  EXPECT_EQ(h.unwinder.last_max_frames, 64u);
  ASSERT_EQ(thread.frames_size(), 3);
  EXPECT_THAT(Functions(thread), ElementsAre("futex_wait", "", "main"));
  EXPECT_EQ(thread.frames(0).trust(), FRAME_TRUST_CONTEXT);
  EXPECT_EQ(thread.frames(0).kind(), FRAME_KIND_NATIVE);
  EXPECT_EQ(thread.frames(0).module_offset(), 0x100u);
  EXPECT_EQ(thread.frames(1).kind(), FRAME_KIND_UNKNOWN);  // JIT code, and no DAC
  EXPECT_EQ(thread.frames(1).module_index(), 1);
  EXPECT_EQ(thread.frames(2).module_index(), 0);
  EXPECT_EQ(report.modules(0).path(), "/usr/lib/libc.so.6");
}

TEST(CaptureTest, CheckpointsSayWhatIsStillMissing) {
  Harness h;
  h.process.AddThread(Stopped(kPid, "App", kLibcBase + 0x100, 0x7ffd0000));
  h.Run();
  ASSERT_EQ(h.checkpoints.size(), 3u);
  const auto missing = [](const Report& checkpoint) {
    const auto& reasons = checkpoint.diagnostics().incomplete_reasons();
    EXPECT_TRUE(checkpoint.diagnostics().incomplete());
    EXPECT_EQ(reasons.rbegin()->stage(), "checkpoint");
    return reasons.rbegin()->reason();
  };
  // Before attaching: who the process is, nothing of its threads.
  EXPECT_THAT(missing(h.checkpoints[0]), HasSubstr("missing: threads, modules and stacks"));
  EXPECT_EQ(h.checkpoints[0].process().exe(), "/app/App");
  EXPECT_EQ(h.checkpoints[0].threads_size(), 0);
  // After attaching: threads and registers, no frames.
  EXPECT_THAT(missing(h.checkpoints[1]), HasSubstr("missing: stacks"));
  ASSERT_EQ(h.checkpoints[1].threads_size(), 1);
  EXPECT_EQ(h.checkpoints[1].modules_size(), 2);
  EXPECT_TRUE(h.checkpoints[1].threads(0).has_registers());
  EXPECT_EQ(h.checkpoints[1].threads(0).frames_size(), 0);
  // After native unwinding: frames, not yet the runtime.
  EXPECT_THAT(missing(h.checkpoints[2]), HasSubstr("missing: managed frames"));
  EXPECT_EQ(h.checkpoints[2].threads(0).frames_size(), 1);
  EXPECT_EQ(h.checkpoints[2].process().runtime().flavor(), RUNTIME_FLAVOR_UNSPECIFIED);
}

TEST(CaptureTest, UnstoppedThreadsAreOneReasonPerProblem) {
  Harness h;
  h.process.AddThread(Stopped(kPid, "App", kLibcBase + 0x100, 0x7ffd0000));
  for (pid_t tid = 5001; tid <= 5007; ++tid) h.process.AddThread(Unstopped(tid, "did not stop"));
  h.process.AddThread(Unstopped(6000, "exited"));
  const Report report = h.Run();
  EXPECT_THAT(Reasons(report),
              ElementsAre("attach: 7 threads (5001, 5002, 5003, 5004, 5005, ...): did not stop",
                          "attach: 1 thread (6000): exited"));
  EXPECT_EQ(h.unwinder.unwound, 1) << "only stopped threads are walked";
  const Thread& unstopped = report.threads(1);
  EXPECT_EQ(unstopped.error(), "did not stop");
  EXPECT_FALSE(unstopped.has_registers());
  EXPECT_EQ(unstopped.frames_size(), 0);
  EXPECT_EQ(unstopped.unwind_end(), UNWIND_END_UNSPECIFIED);
}

TEST(CaptureTest, UnwindErrorsAndTruncationAreRecordedPerThread) {
  Harness h;
  h.process.AddThread(Stopped(kPid, "App", kLibcBase + 0x100, 0x7ffd0000));
  h.process.AddThread(Stopped(7001, "deep1", kLibcBase + 0x100, 0x7ffc0000));
  h.process.AddThread(Stopped(7002, "deep2", kLibcBase + 0x100, 0x7ffb0000));
  h.process.AddThread(Stopped(7003, "broken", kLibcBase + 0x100, 0x7ffa0000));
  h.unwinder.ends[7001] = WalkEnd::kFrameLimit;
  h.unwinder.ends[7002] = WalkEnd::kFrameLimit;
  h.unwinder.ends[kPid] = WalkEnd::kCfiFailed;
  h.unwinder.errors[7003] = absl::InternalError("unw_init_remote: bad register");
  const Report report = h.Run();
  EXPECT_THAT(Reasons(report),
              ElementsAre("unwind: thread 7003: unw_init_remote: bad register",
                          "unwind: 2 threads (7001, 7002): stack cut at DDCRASH_MAX_FRAMES (64)"));
  EXPECT_EQ(report.threads(0).unwind_end(), UNWIND_END_CFI_FAILED);
  EXPECT_FALSE(report.threads(0).truncated());
  EXPECT_TRUE(report.threads(1).truncated());
  EXPECT_EQ(report.threads(1).unwind_end(), UNWIND_END_FRAME_LIMIT);
  EXPECT_EQ(report.threads(3).error(), "unw_init_remote: bad register");
  EXPECT_EQ(report.threads(3).frames_size(), 0);
}

TEST(CaptureTest, PastTheDeadlineThreadsKeepFrameZeroOnly) {
  Harness h;
  h.options.timeout = absl::Seconds(1);
  h.unwinder.time_per_thread = absl::Milliseconds(600);
  for (pid_t tid : {kPid, pid_t{8001}, pid_t{8002}}) {
    h.process.AddThread(Stopped(tid, "t", kLibcBase + 0x100, 0x7ffd0000));
    h.unwinder.callers[tid] = {Walked(kLibcBase + 0x2000, 0x7ffd0100)};
  }
  h.unwinder.names = {{kLibcBase + 0x100, "futex_wait"}};
  const Report report = h.Run();
  EXPECT_EQ(h.unwinder.unwound, 2);
  EXPECT_THAT(Reasons(report),
              ElementsAre("unwind: DDCRASH_TIMEOUT_MS (1000 ms) ran out after 2 of 3 threads; the "
                          "rest have frame 0 only",
                          "dac: no time left in DDCRASH_TIMEOUT_MS for the DAC"));
  EXPECT_EQ(report.threads(1).frames_size(), 2);
  const Thread& late = report.threads(2);
  EXPECT_EQ(late.unwind_end(), UNWIND_END_DEADLINE);
  EXPECT_THAT(Functions(late), ElementsAre("futex_wait"));  // frame 0 is still named
  EXPECT_EQ(late.frames(0).trust(), FRAME_TRUST_CONTEXT);
  EXPECT_TRUE(h.managed.requests.empty());
  EXPECT_EQ(report.process().runtime().version(), "8.0.11");
}

TEST(CaptureTest, MissingThreadsAndModulesAreIncomplete) {
  Harness h;
  h.process.AddThread(Stopped(kPid, "App", kLibcBase + 0x100, 0x7ffd0000));
  h.process.set_all_threads_found(false);
  h.process.set_modules_status(absl::DataLossError("/proc/4242/maps: truncated"));
  EXPECT_THAT(Reasons(h.Run()), ElementsAre("attach: threads kept appearing; some may be missing",
                                            "modules: /proc/4242/maps: truncated"));

  Harness late;
  late.process.AddThread(Stopped(kPid, "App", kLibcBase + 0x100, 0x7ffd0000));
  late.process.set_all_threads_found(false);
  late.clock.now = kStart + absl::Seconds(6);  // freezing used the whole budget
  EXPECT_THAT(Reasons(late.Run())[0],
              HasSubstr("attach: DDCRASH_TIMEOUT_MS ran out before every thread was found"));
}

dac::ManagedFrame Method(uint64_t ip, uint64_t sp, const char* name) {
  dac::FrameText text;
  text.kind = dac::ManagedFrameKind::kManagedMethod;
  text.method = name;
  text.method_signature = std::string(name) + "()";
  text.code_kind = dac::CodeKind::kJit;
  return dac::FrameWith(ip, sp, text);
}

dac::ManagedThread ManagedThreadFor(uint32_t tid, uint32_t managed_id) {
  dac::ManagedThread thread;
  thread.os_thread_id = tid;
  thread.managed_id = managed_id;
  return thread;
}

dac::ManagedException ExceptionOf(const char* type) {
  dac::ManagedException exception;
  exception.type = type;
  exception.message = "boom";
  return exception;
}

TEST(CaptureTest, ManagedFramesMergeIntoNativeStacksWithThreadIdentities) {
  Harness h;
  h.process.AddThread(Stopped(kPid, "App", kLibcBase + 0x100, 0x7ffd0000));
  h.unwinder.callers[kPid] = {Walked(kJitBase + 0x40, 0x7ffd0100),
                              Walked(kJitBase + 0x80, 0x7ffd0200),
                              Walked(kLibcBase + 0x2000, 0x7ffd0300)};
  h.unwinder.names = {{kLibcBase + 0x100, "futex_wait"}, {kLibcBase + 0x2000, "main"}};
  dac::ManagedState state;
  state.dac_path = "/dotnet/libmscordaccore.so";
  state.dac_match = "build id 0badcafe";
  state.dac_load_us = 700;
  state.total_us = 2500;
  state.errors = {"one method had no name"};
  dac::ManagedThread main = ManagedThreadFor(kPid, 1);
  main.is_background = true;
  main.frames = {Method(kJitBase + 0x40, 0x7ffd0100, "App.Program.Wait")};
  main.frames_error = "walk cut short";
  state.threads = {main};
  // The method the DAC's walk did not list, named by address.
  state.named_code = {Method(kJitBase + 0x80, 0, "App.Program.Main")};
  h.managed.state = state;
  const Report report = h.Run();

  ASSERT_EQ(h.managed.requests.size(), 1u);
  const dac::ManagedStateRequest& request = h.managed.requests[0];
  EXPECT_EQ(request.timeout, absl::Seconds(3));
  EXPECT_EQ(request.max_frames, 64);
  // Frames the native walk could not name, frame 0 (registers) aside.
  EXPECT_THAT(request.code_addresses_to_name, ElementsAre(kJitBase + 0x40, kJitBase + 0x80));

  const Thread& thread = report.threads(0);
  EXPECT_THAT(Functions(thread),
              ElementsAre("futex_wait", "App.Program.Wait()", "App.Program.Main()", "main"));
  EXPECT_EQ(thread.frames(1).kind(), FRAME_KIND_MANAGED);
  EXPECT_EQ(thread.frames(1).trust(), FRAME_TRUST_CFI);
  EXPECT_EQ(thread.frames(1).module_index(), 1);
  EXPECT_EQ(thread.frames(2).kind(), FRAME_KIND_MANAGED);
  EXPECT_EQ(thread.frames(3).index(), 3u);
  EXPECT_EQ(thread.managed_id(), 1u);
  EXPECT_THAT(thread.roles(), ElementsAre(THREAD_ROLE_MAIN, THREAD_ROLE_BACKGROUND));
  EXPECT_EQ(report.process().runtime().flavor(), RUNTIME_FLAVOR_CORECLR);
  EXPECT_EQ(report.process().runtime().path(), "/dotnet/libcoreclr.so");
  EXPECT_EQ(report.process().runtime().dac_path(), "/dotnet/libmscordaccore.so");
  const DacAccount& dac = report.diagnostics().dac();
  EXPECT_EQ(dac.match(), "build id 0badcafe");
  EXPECT_EQ(dac.load_duration_nanos(), 700000);
  EXPECT_EQ(dac.session_duration_nanos(), 2500000);
  EXPECT_THAT(report.diagnostics().errors(),
              ElementsAre("dac: one method had no name", "dac: thread 4242: walk cut short"));
  EXPECT_FALSE(report.diagnostics().incomplete());
}

TEST(CaptureTest, SourceLinesAndManagedModulesReachTheReport) {
  Harness h;
  LoadedModule libc = TwoModules().modules()[0];
  LoadedModule app;
  app.path = "/app/App.dll";
  app.kind = ModuleKind::kPe;
  app.base = kJitBase + 0x200000;
  app.end = app.base + 0x10000;
  LoadedModule lib = app;
  lib.path = "/app/Lib.dll";
  lib.base = app.end;
  lib.end = lib.base + 0x10000;
  h.process.set_modules(ModuleMap({}, {libc, app, lib}));
  h.process.AddThread(Stopped(kPid, "App", kLibcBase + 0x100, 0x7ffd0000));
  h.unwinder.callers[kPid] = {Walked(kJitBase + 0x40, 0x7ffd0100)};
  dac::ManagedState state;
  dac::ManagedThread main = ManagedThreadFor(kPid, 1);
  dac::ManagedFrame frame = Method(kJitBase + 0x40, 0x7ffd0100, "App.Program.Wait");
  dac::EditText(frame, [](dac::FrameText& t) {
    t.source_file = "/src/App/Program.cs";
    t.source_line = 212;
    t.source_column = 13;
  });
  main.frames = {frame};
  state.threads = {main};
  state.modules = {{"/app/App.dll", "mvid-1", "pdb-1", "/build/App.pdb", "/app/App.pdb", "", 1},
                   {"/app/Lib.dll", "mvid-2", "pdb-2", "/build/Lib.pdb", "",
                    "/app/Lib.pdb: no such file", 3},
                   // No frame ran its code: identified, no diagnostic.
                   {"/app/Other.dll", "mvid-3", "", "", "", "no portable CodeView entry", 0}};
  state.source_lines_us = 1500;
  h.managed.state = state;
  const Report report = h.Run();

  const ManagedFrame& managed = report.threads(0).frames(1).managed();
  EXPECT_EQ(managed.source_file(), "/src/App/Program.cs");
  EXPECT_EQ(managed.source_line(), 212u);
  EXPECT_EQ(managed.source_column(), 13u);
  ASSERT_EQ(report.modules_size(), 3);
  EXPECT_FALSE(report.modules(0).has_managed());
  const ddcrash::ManagedModule& a = report.modules(1).managed();
  EXPECT_EQ(a.mvid(), "mvid-1");
  EXPECT_EQ(a.pdb_id(), "pdb-1");
  EXPECT_EQ(a.pdb_path(), "/build/App.pdb");
  EXPECT_EQ(a.pdb_location(), "/app/App.pdb");
  EXPECT_EQ(report.modules(2).managed().mvid(), "mvid-2");
  EXPECT_EQ(report.modules(2).managed().pdb_location(), "");
  EXPECT_THAT(report.diagnostics().errors(),
              ElementsAre("source lines: no lines for /app/Lib.dll: /app/Lib.pdb: no such file"));
  EXPECT_EQ(report.diagnostics().dac().source_lines_duration_nanos(), 1500000);
  EXPECT_FALSE(report.diagnostics().incomplete());
}

TEST(CaptureTest, AManagedFrameTheDacCouldNotNameMakesTheReportIncomplete) {
  Harness h;
  h.process.AddThread(Stopped(kPid, "App", kLibcBase + 0x100, 0x7ffd0000));
  h.unwinder.callers[kPid] = {Walked(kJitBase + 0x40, 0x7ffd0100),
                              Walked(kLibcBase + 0x2000, 0x7ffd0300)};
  h.unwinder.names = {{kLibcBase + 0x100, "futex_wait"}, {kLibcBase + 0x2000, "main"}};
  dac::ManagedState state;
  state.threads = {ManagedThreadFor(kPid, 1)};
  state.named_code = {dac::ManagedFrame{.ip = kJitBase + 0x40}};  // kind kUnknown
  h.managed.state = state;
  const Report report = h.Run();
  EXPECT_EQ(report.threads(0).frames(1).kind(), FRAME_KIND_UNKNOWN);
  ASSERT_TRUE(report.diagnostics().incomplete());
  ASSERT_EQ(report.diagnostics().incomplete_reasons_size(), 1);
  EXPECT_EQ(report.diagnostics().incomplete_reasons(0).stage(), "dac");
  EXPECT_EQ(report.diagnostics().incomplete_reasons(0).reason(),
            "1 thread (4242): a return address in managed code the DAC could not name");
}

TEST(CaptureTest, DacTimeoutNeverGoesBeyondTheDeadline) {
  Harness h;
  h.process.AddThread(Stopped(kPid, "App", kLibcBase + 0x100, 0x7ffd0000));
  h.unwinder.time_per_thread = absl::Seconds(4);
  h.Run();
  ASSERT_EQ(h.managed.requests.size(), 1u);
  // 5 s budget, 4 s spent, 200 ms kept for detaching and writing.
  EXPECT_EQ(h.managed.requests[0].timeout, absl::Milliseconds(800));
}

TEST(CaptureTest, DacFailuresCostOnlyTheirStage) {
  Harness runtime_unreadable;
  runtime_unreadable.process.AddThread(Stopped(kPid, "App", kLibcBase + 0x100, 0x7ffd0000));
  runtime_unreadable.managed.runtime = absl::FailedPreconditionError("file replaced");
  Report report = runtime_unreadable.Run();
  EXPECT_THAT(Reasons(report), ElementsAre("dac: runtime: file replaced"));
  EXPECT_EQ(report.threads(0).frames_size(), 1);

  Harness dac_crashed;
  dac_crashed.process.AddThread(Stopped(kPid, "App", kLibcBase + 0x100, 0x7ffd0000));
  dac_crashed.managed.state = absl::InternalError("DAC child killed by signal 11");
  report = dac_crashed.Run();
  EXPECT_THAT(Reasons(report), ElementsAre("dac: DAC child killed by signal 11"));
  EXPECT_EQ(report.process().runtime().version(), "8.0.11");
  EXPECT_EQ(report.threads(0).frames_size(), 1);
  EXPECT_FALSE(report.diagnostics().has_dac());
}

TEST(CaptureTest, TheCrashingThreadsExceptionIsTheCrashsException) {
  Harness h(TRIGGER_CRASH, /*crashing_tid=*/9002);
  h.process.AddThread(Stopped(kPid, "App", kLibcBase + 0x100, 0x7ffd0000));
  h.process.AddThread(Stopped(9002, "worker", kLibcBase + 0x100, 0x7ffc0000));
  dac::ManagedState state;
  dac::ManagedThread main = ManagedThreadFor(kPid, 1);
  main.has_exception = true;
  main.exception = ExceptionOf("System.TimeoutException");
  dac::ManagedThread worker = ManagedThreadFor(9002, 5);
  worker.has_exception = true;
  worker.exception = ExceptionOf("System.InvalidOperationException");
  worker.exception.inner = {ExceptionOf("System.IO.FileNotFoundException")};
  state.threads = {main, worker};
  h.managed.state = state;
  const Report report = h.Run();
  EXPECT_EQ(report.crashing_tid(), 9002u);
  EXPECT_EQ(report.signal().name(), "SIGABRT");
  EXPECT_TRUE(report.threads(1).crashed());
  EXPECT_EQ(report.exception().type(), "System.InvalidOperationException");
  EXPECT_EQ(report.exception().tid(), 9002u);
  EXPECT_EQ(report.exception().inner().type(), "System.IO.FileNotFoundException");
  EXPECT_EQ(report.threads(0).exception().type(), "System.TimeoutException");
}

TEST(CaptureTest, ASnapshotsExceptionIsTheFirstInFlight) {
  Harness h;
  h.process.AddThread(Stopped(kPid, "App", kLibcBase + 0x100, 0x7ffd0000));
  h.process.AddThread(Stopped(9002, "worker", kLibcBase + 0x100, 0x7ffc0000));
  h.process.AddThread(Stopped(9003, "other", kLibcBase + 0x100, 0x7ffb0000));
  dac::ManagedState state;
  dac::ManagedThread worker = ManagedThreadFor(9002, 5);
  worker.has_exception = true;
  worker.exception = ExceptionOf("System.TimeoutException");
  dac::ManagedThread other = ManagedThreadFor(9003, 6);
  other.has_exception = true;
  other.exception = ExceptionOf("System.ArgumentException");
  state.threads = {ManagedThreadFor(kPid, 1), worker, other};
  h.managed.state = state;
  const Report report = h.Run();
  EXPECT_EQ(report.exception().type(), "System.TimeoutException");
  EXPECT_EQ(report.exception().tid(), 9002u);
  EXPECT_EQ(report.threads(2).exception().type(), "System.ArgumentException");
}

TEST(CaptureTest, DetachProblemsAndWarningsAreRecorded) {
  Harness h;
  h.options.warnings = {"DDCRASH_MAX_FRAMES: not a number"};
  h.options.scrub_pattern = "(";  // not an RE2: the default pattern still applies
  h.process.AddThread(Stopped(kPid, "App", kLibcBase + 0x100, 0x7ffd0000));
  Capture capture(h.options);
  capture.SetProcess(Info(), "");
  capture.AddSnapshot(h.process);
  capture.UnwindStacks(h.process, h.unwinder);
  if (std::optional<dac::ManagedState> state = capture.CollectManagedState(h.process, h.managed)) {
    capture.MergeManagedState(*std::move(state));
  }
  capture.RecordDetach(absl::InternalError("1 thread could not be detached"),
                       absl::Milliseconds(3), true);
  const Report report = std::move(capture).Build();
  ASSERT_EQ(report.diagnostics().errors_size(), 2);
  EXPECT_EQ(report.diagnostics().errors(0), "DDCRASH_MAX_FRAMES: not a number");
  EXPECT_THAT(report.process().environment(), ElementsAre("PATH=/usr/bin", "API_KEY=[scrubbed]"));
  EXPECT_THAT(Reasons(report),
              ElementsAre("detach: 1 thread could not be detached",
                          HasSubstr("detach: the process was killed while it was being captured")));
  std::vector<std::string> stages;
  for (const StageTiming& stage : report.diagnostics().stages()) stages.push_back(stage.stage());
  EXPECT_THAT(stages, ElementsAre("unwind", "dac", "merge", "detach"));
  EXPECT_EQ(report.diagnostics().stages(3).duration_nanos(), 3'000'000);
  EXPECT_EQ(report.diagnostics().total_duration_nanos(), 0);  // the test clock never moved
}

}  // namespace
}  // namespace ddcrash
