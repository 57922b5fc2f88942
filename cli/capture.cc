#include "cli/capture.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "cli/report_conversion.h"
#include "cli/version.h"
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

void AddThreadFrames(const UnwoundStack& stack, const ModuleMap& modules, Thread* thread,
                     ReportBuilder& builder) {
  for (const NativeFrame& frame : stack.frames) {
    builder.AddFrame(thread, NativeFrameToProto(frame, modules));
  }
  thread->set_truncated(stack.truncated);
}

}  // namespace

absl::StatusOr<Report> CaptureProcess(const CaptureRequest& request, const Config& config) {
  const absl::Time deadline = request.start + config.timeout;
  std::vector<std::string> warnings = config.warnings;
  ReportBuilder builder(MakeScrubber(config, &warnings), kDdcrashVersion, request.start);
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
    builder.MarkIncomplete("attach", "threads kept appearing; some may be missing");
  }
  const ModuleMap& modules = process->modules();
  if (!process->modules_status().ok()) {
    builder.MarkIncomplete("modules", process->modules_status().message());
  }
  AddModules(modules, builder);

  {
    StageTimer timer(&builder, "unwind");
    Symbolizer symbolizer(SymbolizerOptions{.pid = request.pid});
    RemoteUnwinder unwinder(process->memory(), modules, request.pid, &symbolizer);
    UnwindOptions options;
    options.max_frames = static_cast<size_t>(config.max_frames);
    options.pid = request.pid;
    int unwound = 0;
    bool out_of_time = false;
    for (const ThreadState& state : process->threads()) {
      Thread* thread = builder.AddThread(static_cast<uint32_t>(state.tid), state.name);
      thread->set_state(std::string(1, state.sched_state));
      if (state.tid == request.pid) thread->add_roles(THREAD_ROLE_MAIN);
      if (!state.stopped) {
        thread->set_error(state.error);
        builder.MarkIncomplete("attach", absl::StrCat("thread ", state.tid, ": ", state.error));
        continue;
      }
      *thread->mutable_registers() = RegistersToProto(state);
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
      AddThreadFrames(stack, modules, thread, builder);
    }
  }

  {
    StageTimer timer(&builder, "detach");
    absl::Status detached = process->Detach();
    if (!detached.ok()) builder.MarkIncomplete("detach", detached.message());
  }
  return std::move(builder).Build(absl::Now());
}

}  // namespace ddcrash
