#include "cli/capture.h"

#include <sys/sdt.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "cli/managed_merge.h"
#include "cli/report_conversion.h"
#include "cli/version.h"
#include "dac/isolated_dac.h"
#include "dac/runtime_info.h"
#include "ptrace/frozen_process.h"
#include "ptrace/process_info.h"
#include "report/report_builder.h"
#include "unwind/stack_walker.h"
#include "unwind/symbolizer.h"
#include "unwind/unwinder.h"

namespace ddcrash {
namespace {

Scrubber MakeScrubber(const Config& config, std::vector<std::string>* warnings) {
  absl::StatusOr<Scrubber> scrubber = Scrubber::Create(config.scrub_pattern);
  if (scrubber.ok()) return *std::move(scrubber);
  // A typo in DDCRASH_SCRUB must not cost the report; the default pattern still applies.
  warnings->push_back(std::string(scrubber.status().message()));
  return *Scrubber::Create("");
}

void AddModules(const ModuleMap& modules, ReportBuilder& builder) {
  for (const LoadedModule& module : modules.modules()) builder.AddModule(ModuleToProto(module));
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

void AddThreadRoles(const dac::ManagedThread& managed, Thread* thread) {
  if (managed.is_finalizer) thread->add_roles(THREAD_ROLE_FINALIZER);
  if (managed.is_gc) thread->add_roles(THREAD_ROLE_GC);
  if (managed.is_threadpool) thread->add_roles(THREAD_ROLE_THREADPOOL_WORKER);
  if (managed.is_background) thread->add_roles(THREAD_ROLE_BACKGROUND);
}

// Return addresses into code the native walk could not name (JIT code has no ELF module), for
// the DAC to look up; most are the frames its own walk lists, the rest it names here.
std::vector<uint64_t> UnnamedReturnAddresses(const std::vector<Thread*>& threads) {
  std::vector<uint64_t> addresses;
  for (const Thread* thread : threads) {
    for (const Frame& frame : thread->frames()) {
      if (frame.kind() == FRAME_KIND_UNKNOWN && frame.trust() != FRAME_TRUST_CONTEXT) {
        addresses.push_back(frame.ip());
      }
    }
  }
  std::sort(addresses.begin(), addresses.end());
  addresses.erase(std::unique(addresses.begin(), addresses.end()), addresses.end());
  return addresses;
}

// The DAC stage: runtime identity, managed frames merged into the native stacks, managed
// thread identities and exceptions. Runs in its own process, bounded by DDCRASH_DAC_TIMEOUT_MS and
// the whole-run budget; any failure costs only this stage and is recorded as incomplete.
void AddManagedState(FrozenProcess& process, const Config& config, absl::Time deadline,
                     const std::vector<Thread*>& report_threads, ReportBuilder& builder) {
  StageTimer timer(&builder, "dac");
  Runtime* runtime = builder.mutable_runtime();
  absl::StatusOr<dac::RuntimeInfo> found =
      dac::FindRuntime(process.modules().modules(), process.memory());
  if (absl::IsNotFound(found.status())) {
    runtime->set_flavor(RUNTIME_FLAVOR_NONE);
    return;
  }
  if (!found.ok()) {
    builder.MarkIncomplete("dac", absl::StrCat("runtime: ", found.status().message()));
    return;
  }
  runtime->set_flavor(found->kind == dac::RuntimeInfo::Kind::kSingleFile
                          ? RUNTIME_FLAVOR_CORECLR_SINGLE_FILE
                          : RUNTIME_FLAVOR_CORECLR);
  runtime->set_path(found->module_path);
  runtime->set_version(found->version.ToString());

  // Leave room to detach and write when the DAC uses its whole allowance.
  const absl::Duration remaining = deadline - absl::Now() - absl::Milliseconds(200);
  if (remaining <= absl::ZeroDuration()) {
    builder.MarkIncomplete("dac", "no time left in DDCRASH_TIMEOUT_MS for the DAC");
    return;
  }
  dac::IsolatedDacOptions options;
  options.timeout = std::min(config.dac_timeout, remaining);
  options.session.dac_path = config.dac_path;
  options.session.max_frames = config.max_frames;
  options.session.code_addresses_to_name = UnnamedReturnAddresses(report_threads);
  absl::StatusOr<dac::ManagedState> state = dac::CollectManagedStateIsolated(process, options);
  if (!state.ok()) {
    builder.MarkIncomplete("dac", state.status().message());
    return;
  }
  runtime->set_dac_path(state->dac_path);
  for (const std::string& error : state->errors) builder.AddError(absl::StrCat("dac: ", error));
  const uint32_t crashing_tid = builder.report().crashing_tid();
  for (const dac::ManagedThread& managed : state->threads) {
    for (Thread* thread : report_threads) {
      if (managed.os_thread_id == 0 || thread->tid() != managed.os_thread_id) continue;
      thread->set_managed_id(managed.managed_id);
      AddThreadRoles(managed, thread);
      std::vector<Frame> stack(std::make_move_iterator(thread->mutable_frames()->begin()),
                               std::make_move_iterator(thread->mutable_frames()->end()));
      thread->clear_frames();
      MergeManagedFrames(managed.frames, &stack);
      NameUnlistedManagedCode(state->named_code, &stack);
      for (Frame& frame : stack) builder.AddFrame(thread, std::move(frame));
      if (!managed.frames_error.empty()) {
        builder.AddError(absl::StrCat("dac: thread ", thread->tid(), ": ", managed.frames_error));
      }
      if (managed.has_exception) {
        *thread->mutable_exception() = ExceptionToProto(managed.exception, thread->tid());
        // The crash's exception: the crashing thread's, else (a snapshot) the first in flight.
        if (thread->tid() == crashing_tid ||
            (crashing_tid == 0 && !builder.report().has_exception())) {
          *builder.mutable_exception() = thread->exception();
        }
      }
    }
  }
}

}  // namespace

absl::StatusOr<Report> CaptureProcess(const CaptureRequest& request, const Config& config) {
  const absl::Time deadline = request.start + config.timeout;
  std::vector<std::string> warnings = config.warnings;
  ReportBuilder builder(MakeScrubber(config, &warnings), kDdcrashVersion, request.start);
  builder.SetReporterSourceRevision(kDdcrashSourceRevision);
  for (std::string& warning : warnings) builder.AddError(std::move(warning));
  builder.SetTrigger(request.trigger);
  if (request.crash) {
    const CrashContext& crash = *request.crash;
    if (crash.signal != 0) {
      builder.SetSignal(crash.signal, crash.code, crash.error_number, crash.fault_address);
    }
    builder.SetCrashingTid(static_cast<uint32_t>(crash.crashing_tid));
  }

  absl::StatusOr<ProcessInfo> info = ReadProcessInfo(request.pid);
  if (!info.ok()) return info.status();
  builder.SetProcess(static_cast<uint32_t>(info->pid), static_cast<uint32_t>(info->ppid),
                     info->exe, info->cmdline, info->environment);
  auto checkpoint = [&](absl::string_view missing) {
    if (request.checkpoint) request.checkpoint(builder.Checkpoint(absl::Now(), missing));
  };
  checkpoint("threads, modules and stacks (stopped before attaching)");

  std::unique_ptr<FrozenProcess> process;
  {
    StageTimer timer(&builder, "attach");
    FreezeOptions options;
    options.thread_stop_timeout = config.thread_stop_timeout;
    options.deadline = deadline;
    absl::StatusOr<std::unique_ptr<FrozenProcess>> frozen =
        FrozenProcess::Freeze(request.pid, options);
    if (!frozen.ok()) return frozen.status();
    process = *std::move(frozen);
  }
  if (!process->all_threads_found()) {
    builder.MarkIncomplete("attach", absl::Now() >= deadline
                                         ? "DDCRASH_TIMEOUT_MS ran out before every thread was found"
                                         : "threads kept appearing; some may be missing");
  }
  const ModuleMap& modules = process->modules();
  if (!process->modules_status().ok()) {
    builder.MarkIncomplete("modules", process->modules_status().message());
  }
  AddModules(modules, builder);

  ThreadProblems unstopped;
  std::vector<Thread*> report_threads;
  for (const ThreadState& state : process->threads()) {
    Thread* thread = builder.AddThread(static_cast<uint32_t>(state.tid), state.name);
    report_threads.push_back(thread);
    thread->set_state(std::string(1, state.sched_state));
    if (state.tid == request.pid) thread->add_roles(THREAD_ROLE_MAIN);
    if (state.stopped) {
      *thread->mutable_registers() = RegistersToProto(state);
    } else {
      thread->set_error(state.error);
      unstopped.Add(state.error, state.tid);
    }
  }
  unstopped.Report("attach", builder);
  checkpoint("stacks (stopped after attaching)");

  {
    StageTimer timer(&builder, "unwind");
    Symbolizer symbolizer(SymbolizerOptions{.pid = request.pid});
    RemoteUnwinder unwinder(process->memory(), modules, request.pid, &symbolizer);
    UnwindOptions options;
    options.max_frames = static_cast<size_t>(config.max_frames);
    options.pid = request.pid;
    int unwound = 0;
    bool out_of_time = false;
    ThreadProblems truncated;
    for (size_t t = 0; t < process->threads().size(); ++t) {
      const ThreadState& state = process->threads()[t];
      Thread* thread = report_threads[t];
      if (!state.stopped) continue;
      UnwoundStack stack;
      if (!out_of_time && absl::Now() >= deadline) {
        out_of_time = true;
        builder.MarkIncomplete(
            "unwind", absl::StrCat("DDCRASH_TIMEOUT_MS (", absl::ToInt64Milliseconds(config.timeout),
                                   " ms) ran out after ", unwound, " of ",
                                   process->threads().size(), " threads; the rest have frame 0 only"));
      }
      if (out_of_time) {
        NativeFrame top;
        top.ip = state.regs.rip;
        top.sp = state.regs.rsp;
        top.ip_is_exact = true;
        stack.frames.push_back(top);
      } else {
        absl::StatusOr<UnwoundStack> walked = unwinder.Unwind(state, options);
        if (!walked.ok()) {
          thread->set_error(std::string(walked.status().message()));
          builder.MarkIncomplete("unwind",
                                 absl::StrCat("thread ", state.tid, ": ", walked.status().message()));
          continue;
        }
        stack = *std::move(walked);
        ++unwound;
      }
      SymbolizeFrames(modules, symbolizer, stack);
      DTRACE_PROBE2(ddcrash, thread_unwound, state.tid, stack.frames.size());
      thread->set_truncated(stack.truncated);
      if (stack.truncated) {
        truncated.Add(absl::StrCat("stack cut at DDCRASH_MAX_FRAMES (", config.max_frames, ")"),
                      state.tid);
      }
      for (const NativeFrame& frame : stack.frames) {
        builder.AddFrame(thread, NativeFrameToProto(frame, modules));
      }
    }
    truncated.Report("unwind", builder);
  }
  checkpoint("managed frames, managed threads and the exception (stopped after native unwinding)");

  AddManagedState(*process, config, deadline, report_threads, builder);

  {
    StageTimer timer(&builder, "detach");
    absl::Status detached = process->Detach();
    if (!detached.ok()) builder.MarkIncomplete("detach", detached.message());
    if (process->died_while_frozen()) {
      builder.MarkIncomplete("detach",
                             "the process was killed while it was being captured; stacks and "
                             "memory read after its death are cut short");
    }
  }
  return std::move(builder).Build(absl::Now());
}

}  // namespace ddcrash
