#include "capture/capture.h"

#include <sys/sdt.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "capture/exception_text.h"
#include "capture/managed_merge.h"
#include "capture/report_conversion.h"
#include "binary/file.h"
#include "capture/thread_roles.h"
#include "dac/nativeaot_crash_info.h"
#include "metadata/stack_trace_method.h"
#include "report/frame_ip.h"

namespace ddcrash {
namespace {

Scrubber MakeScrubber(const std::string& pattern, std::vector<std::string>* warnings) {
  absl::StatusOr<Scrubber> scrubber = Scrubber::Create(pattern);
  if (scrubber.ok()) return *std::move(scrubber);
  // A typo in DDCRASH_SCRUB must not cost the report; the default pattern still applies.
  warnings->push_back(std::string(scrubber.status().message()));
  return *Scrubber::Create("");
}

// Problems shared by many threads become one incomplete reason each (a thousand threads that
// missed the deadline are one fact, not a thousand).
class ThreadProblems {
 public:
  void Add(const std::string& problem, pid_t tid) { tids_[problem].push_back(tid); }

  void Report(absl::string_view stage, ReportBuilder& builder) const {
    constexpr size_t kListed = 5;
    for (const auto& [problem, tids] : tids_) {
      std::string which;
      for (size_t i = 0; i < tids.size() && i < kListed; ++i) {
        absl::StrAppend(&which, i == 0 ? "" : ", ", tids[i]);
      }
      if (tids.size() > kListed) absl::StrAppend(&which, ", ...");
      builder.MarkIncomplete(stage, absl::StrCat(tids.size(), tids.size() == 1 ? " thread" : " threads",
                                                 " (", which, "): ", problem));
    }
  }

 private:
  std::map<std::string, std::vector<pid_t>> tids_;
};

// Return addresses into code the native walk could not name (JIT code has no ELF module), for
// the DAC to look up as such; most are the frames its own walk lists, the rest it names here.
std::vector<uint64_t> UnnamedReturnAddresses(const std::vector<Thread*>& threads) {
  std::vector<uint64_t> addresses;
  for (const Thread* thread : threads) {
    for (int i = 0; i < thread->frames_size(); ++i) {
      if (thread->frames(i).kind() == FRAME_KIND_UNKNOWN && !FrameIpIsExact(*thread, i)) {
        addresses.push_back(thread->frames(i).ip());
      }
    }
  }
  std::sort(addresses.begin(), addresses.end());
  addresses.erase(std::unique(addresses.begin(), addresses.end()), addresses.end());
  return addresses;
}

// Exceptions nest; the bound matches the deepest chain ExceptionToProto writes.
constexpr int kMaxExceptionDepth = 64;

// Module attribution for the frames recorded in `exception` and those nested in it: each
// recorded ip follows a call (or is the byte after one), so its code is at ip - 1.
void SetExceptionFrameModules(ReportBuilder& builder, Exception* exception, int depth = 0) {
  if (depth >= kMaxExceptionDepth) return;
  for (Frame& frame : *exception->mutable_frames()) {
    builder.SetFrameModule(frame.ip() == 0 ? 0 : frame.ip() - 1, &frame);
  }
  if (exception->has_inner()) SetExceptionFrameModules(builder, exception->mutable_inner(), depth + 1);
  for (Exception& inner : *exception->mutable_inner_exceptions()) {
    SetExceptionFrameModules(builder, &inner, depth + 1);
  }
}

// Leave room to detach and write when the DAC uses its whole allowance.
constexpr absl::Duration kAfterDacReserve = absl::Milliseconds(200);

}  // namespace

Capture::Capture(CaptureOptions options)
    : options_(std::move(options)),
      deadline_(options_.start + options_.timeout),
      builder_(MakeScrubber(options_.scrub_pattern, &options_.warnings),
               options_.reporter_version, options_.start) {
  builder_.SetReporterSourceRevision(options_.reporter_source_revision);
  for (const std::string& warning : options_.warnings) builder_.AddError(warning);
  builder_.SetTrigger(options_.trigger);
  if (options_.crash) {
    const CrashContext& crash = *options_.crash;
    if (crash.signal != 0) {
      builder_.SetSignal(crash.signal, crash.code, crash.error_number, crash.fault_address);
    }
    builder_.SetCrashingTid(static_cast<uint32_t>(crash.crashing_tid));
  }
}

void Capture::WriteCheckpoint(absl::string_view missing) {
  if (options_.checkpoint) options_.checkpoint(builder_.Checkpoint(Now(), missing));
}

void Capture::SetProcess(const ProcessInfo& info, std::string hostname) {
  builder_.SetProcess(static_cast<uint32_t>(info.pid), static_cast<uint32_t>(info.ppid), info.exe,
                      info.cmdline, info.environment);
  builder_.SetHostname(std::move(hostname));
  WriteCheckpoint("threads, modules and stacks (stopped before attaching)");
}

void Capture::AddSnapshot(const ProcessSnapshot& process) {
  if (!process.all_threads_found()) {
    builder_.MarkIncomplete("attach", Now() >= deadline_
                                          ? "DDCRASH_TIMEOUT_MS ran out before every thread was found"
                                          : "threads kept appearing; some may be missing");
  }
  if (!process.modules_status().ok()) {
    builder_.MarkIncomplete("modules", process.modules_status().message());
  }
  for (const LoadedModule& module : process.modules().modules()) {
    builder_.AddModule(ModuleToProto(module));
  }

  ThreadProblems unstopped;
  for (const ThreadState& state : process.threads()) {
    Thread* thread = builder_.AddThread(static_cast<uint32_t>(state.tid), state.name);
    threads_.push_back(thread);
    threads_by_tid_[thread->tid()].push_back(thread);
    thread->set_state(std::string(1, state.sched_state));
    if (state.tid == process.pid()) thread->add_roles(THREAD_ROLE_MAIN);
    AddThreadRolesFromName(thread);
    if (state.stopped) {
      *thread->mutable_registers() = RegistersToProto(state);
    } else {
      thread->set_error(state.error);
      unstopped.Add(state.error, state.tid);
    }
  }
  unstopped.Report("attach", builder_);
  WriteCheckpoint("stacks (stopped after attaching)");
}

void Capture::UnwindStacks(const ProcessSnapshot& process, NativeUnwinder& unwinder) {
  {
    StageTimer timer(&builder_, "unwind");
    const absl::Span<const ThreadState> states = process.threads();
    // An invariant of the stage order: the snapshot is the one AddSnapshot recorded.
    if (states.size() != threads_.size()) std::abort();
    int unwound = 0;
    bool out_of_time = false;
    ThreadProblems truncated;
    for (size_t t = 0; t < states.size(); ++t) {
      const ThreadState& state = states[t];
      Thread* thread = threads_[t];
      if (!state.stopped) continue;
      UnwoundStack stack;
      if (!out_of_time && Now() >= deadline_) {
        out_of_time = true;
        builder_.MarkIncomplete(
            "unwind", absl::StrCat("DDCRASH_TIMEOUT_MS (", absl::ToInt64Milliseconds(options_.timeout),
                                   " ms) ran out after ", unwound, " of ", states.size(),
                                   " threads; the rest have frame 0 only"));
      }
      if (out_of_time) {
        NativeFrame top;
        top.ip = state.regs.rip;
        top.sp = state.regs.rsp;
        top.ip_is_exact = true;
        stack.frames.push_back(top);
        thread->set_unwind_end(UNWIND_END_DEADLINE);
      } else {
        absl::StatusOr<UnwoundStack> walked =
            unwinder.Unwind(state, static_cast<size_t>(options_.max_frames));
        if (!walked.ok()) {
          thread->set_error(std::string(walked.status().message()));
          builder_.MarkIncomplete("unwind",
                                  absl::StrCat("thread ", state.tid, ": ", walked.status().message()));
          continue;
        }
        stack = *std::move(walked);
        thread->set_unwind_end(UnwindEndToProto(stack.end));
        ++unwound;
      }
      unwinder.NameFrames(stack);
      DTRACE_PROBE2(ddcrash, thread_unwound, state.tid, stack.frames.size());
      thread->set_truncated(stack.truncated);
      if (stack.truncated) {
        truncated.Add(absl::StrCat("stack cut at DDCRASH_MAX_FRAMES (", options_.max_frames, ")"),
                      state.tid);
      }
      for (const NativeFrame& frame : stack.frames) {
        builder_.AddFrame(thread, NativeFrameToProto(frame));
      }
    }
    truncated.Report("unwind", builder_);
  }
  WriteCheckpoint("managed frames, managed threads and the exception (stopped after native unwinding)");
}

std::optional<dac::ManagedState> Capture::CollectManagedState(ProcessSnapshot& process,
                                                              dac::ManagedStateSource& source) {
  StageTimer timer(&builder_, "dac");
  Runtime* runtime = builder_.mutable_runtime();
  absl::StatusOr<dac::FoundRuntime> found = source.FindRuntime(process);
  if (absl::IsNotFound(found.status())) {
    runtime->set_flavor(RUNTIME_FLAVOR_NONE);
    return std::nullopt;
  }
  if (!found.ok()) {
    builder_.MarkIncomplete("dac", absl::StrCat("runtime: ", found.status().message()));
    return std::nullopt;
  }
  if (found->native_aot) {
    // No DAC to ask: its methods were named from the binary's symbols when unwinding, and its
    // fail-fast's record is all there is about the exception.
    runtime->set_flavor(RUNTIME_FLAVOR_NATIVE_AOT);
    runtime->set_path(found->path);
    if (options_.crash && options_.crash->exception_record) {
      AddNativeAotCrashInfo(process, *options_.crash->exception_record);
    }
    return std::nullopt;
  }
  runtime->set_flavor(found->single_file ? RUNTIME_FLAVOR_CORECLR_SINGLE_FILE
                                         : RUNTIME_FLAVOR_CORECLR);
  runtime->set_path(found->path);
  runtime->set_version(found->version);

  const absl::Duration remaining = deadline_ - Now() - kAfterDacReserve;
  if (remaining <= absl::ZeroDuration()) {
    builder_.MarkIncomplete("dac", "no time left in DDCRASH_TIMEOUT_MS for the DAC");
    return std::nullopt;
  }
  dac::ManagedStateRequest request;
  request.timeout = std::min(options_.dac_timeout, remaining);
  request.dac_path = options_.dac_path;
  request.dac_dir = options_.dac_dir;
  request.max_frames = options_.max_frames;
  request.code_addresses_to_name = UnnamedReturnAddresses(threads_);
  absl::StatusOr<dac::ManagedState> state = source.Collect(process, request);
  if (!state.ok()) {
    builder_.MarkIncomplete("dac", state.status().message());
    return std::nullopt;
  }
  return *std::move(state);
}

void Capture::MergeManagedState(dac::ManagedState state) {
  StageTimer timer(&builder_, "merge");
  Runtime* runtime = builder_.mutable_runtime();
  runtime->set_dac_path(state.dac_path);
  DacAccount* account = builder_.mutable_dac_account();
  account->set_match(state.dac_match);
  account->set_load_duration_nanos(static_cast<int64_t>(state.dac_load_us) * 1000);
  account->set_session_duration_nanos(static_cast<int64_t>(state.total_us) * 1000);
  account->set_source_lines_duration_nanos(static_cast<int64_t>(state.source_lines_us) * 1000);
  for (const std::string& error : state.errors) builder_.AddError(absl::StrCat("dac: ", error));
  AddManagedModules(state);
  const uint32_t crashing_tid = builder_.report().crashing_tid();
  // Return addresses in managed code that the DAC could not name: each thread still showing
  // one is named in the incomplete reasons (the report must not call itself complete).
  std::vector<uint64_t> unnamed;
  for (const dac::ManagedFrame& code : state.named_code) {
    if (code.text->kind == dac::ManagedFrameKind::kUnknown) unnamed.push_back(code.ip);
  }
  ThreadProblems unnamed_frames;
  for (dac::ManagedThread& managed : state.threads) {
    const absl::Span<Thread* const> same_tid = ThreadsWithTid(managed.os_thread_id);
    for (Thread* thread : same_tid) {
      if (managed.os_thread_id == 0 || thread->tid() != managed.os_thread_id) continue;
      thread->set_managed_id(managed.managed_id);
      AddManagedThreadRoles(managed, thread);
      google::protobuf::RepeatedPtrField<Frame>* stack = thread->mutable_frames();
      MergeManagedFrames(managed.frames, stack);
      NameUnlistedManagedCode(state.named_code, stack);
      builder_.PlaceFrames(thread);
      bool has_unnamed = false;
      for (const Frame& frame : *stack) {
        has_unnamed |= frame.kind() == FRAME_KIND_UNKNOWN &&
                       std::find(unnamed.begin(), unnamed.end(), frame.ip()) != unnamed.end();
      }
      if (has_unnamed) {
        unnamed_frames.Add("a return address in managed code the DAC could not name",
                           static_cast<pid_t>(thread->tid()));
      }
      if (!managed.frames_error.empty()) {
        builder_.AddError(absl::StrCat("dac: thread ", thread->tid(), ": ", managed.frames_error));
      }
      if (managed.has_exception) {
        *thread->mutable_exception() = ExceptionToProto(managed.exception, thread->tid());
        SetExceptionFrameModules(builder_, thread->mutable_exception());
        // The crash's exception: the crashing thread's, else (a snapshot) the first in flight.
        if (thread->tid() == crashing_tid ||
            (crashing_tid == 0 && !builder_.report().has_exception())) {
          *builder_.mutable_exception() = thread->exception();
        }
      }
    }
    // Merged: freed now, so that the DAC's frames and the report's are not all held at once
    // (ddreport's peak).
    managed = dac::ManagedThread();
  }
  unnamed_frames.Report("dac", builder_);
}

void Capture::AddManagedModules(const dac::ManagedState& state) {
  for (const dac::ManagedModule& m : state.modules) {
    if (!m.pdb_problem.empty() && m.frames > 0) {
      builder_.AddError(absl::StrCat("source lines: no lines for ", m.path, ": ", m.pdb_problem));
    }
    for (int i = 0; i < builder_.report().modules_size(); ++i) {
      if (builder_.report().modules(i).path() != m.path) continue;
      ManagedModule* managed = builder_.mutable_module(i)->mutable_managed();
      managed->set_mvid(m.mvid);
      managed->set_pdb_id(m.pdb_id);
      managed->set_pdb_path(m.codeview_path);
      managed->set_pdb_location(m.pdb_location);
    }
  }
}

void Capture::AddNativeAotCrashInfo(ProcessSnapshot& process, uint64_t exception_record) {
  absl::StatusOr<dac::NativeAotCrashInfo> info =
      dac::ReadNativeAotCrashInfo(process.memory(), exception_record);
  if (!info.ok()) {
    // A native fault's record is no fail-fast's: nothing to say.
    if (!absl::IsNotFound(info.status())) {
      builder_.AddError(absl::StrCat("nativeaot: ", info.status().message()));
    }
    return;
  }
  if (!info->runtime_version.empty()) builder_.mutable_runtime()->set_version(info->runtime_version);
  if (!info->has_exception) return;
  const uint32_t tid = builder_.report().crashing_tid();
  *builder_.mutable_exception() = ExceptionToProto(info->exception, tid);
  SetExceptionFrameModules(builder_, builder_.mutable_exception());
  for (Thread* thread : threads_) {
    if (thread->tid() == tid) *thread->mutable_exception() = builder_.report().exception();
  }
}

void Capture::RecordDetach(const absl::Status& detached, absl::Duration duration,
                           bool died_while_frozen) {
  builder_.RecordStage("detach", duration);
  if (!detached.ok()) builder_.MarkIncomplete("detach", detached.message());
  if (died_while_frozen) {
    builder_.MarkIncomplete("detach",
                            "the process was killed while it was being captured; stacks and "
                            "memory read after its death are cut short");
  }
}

absl::Span<Thread* const> Capture::ThreadsWithTid(uint32_t tid) const {
  auto found = threads_by_tid_.find(tid);
  if (found == threads_by_tid_.end()) return {};
  return found->second;
}

Report Capture::Build() && {
  // Last, so that the text shows whatever the frames gained since they were added (source
  // lines); before Build, which scrubs it with the rest of the target's text. Method names
  // and hidden frames come from each assembly's metadata, read once for all exceptions.
  std::map<std::string, binary::FileRange> bundled;
  for (const Module& module : builder_.report().modules()) {
    if (module.has_bundled() && !module.deleted()) {
      bundled[module.path()] = {module.bundled().executable(), module.bundled().offset(),
                                module.bundled().size()};
    }
  }
  metadata::StackTraceMethodNamer assemblies(std::move(bundled));
  MethodNamer namer = [&](const Frame& frame) -> std::optional<RuntimeMethodName> {
    const ManagedFrame& m = frame.managed();
    if (m.module_path().empty() || m.metadata_token() == 0) return std::nullopt;
    std::optional<metadata::StackTraceMethod> described =
        assemblies.Describe(m.module_path(), m.metadata_token());
    if (!described) return std::nullopt;
    return RuntimeMethodName{described->text, described->hidden, described->async};
  };
  for (Thread* thread : threads_) {
    if (thread->has_exception()) ComposeStackTraces(thread->mutable_exception(), namer);
  }
  if (builder_.report().has_exception()) ComposeStackTraces(builder_.mutable_exception(), namer);
  return std::move(builder_).Build(Now());
}

}  // namespace ddcrash
