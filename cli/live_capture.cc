#include "cli/live_capture.h"

#include <malloc.h>
#include <pthread.h>
#include <sys/utsname.h>

#include <memory>
#include <string>
#include <utility>

#include "absl/functional/function_ref.h"
#include "cli/version.h"
#include "dac/live_managed_state_source.h"
#include "ptrace/frozen_process.h"
#include "ptrace/process_info.h"
#include "unwind/live_native_unwinder.h"

namespace ddcrash {
namespace {

// The reporting machine's name (the container's, in a UTS namespace); empty if unknown.
std::string Hostname() {
  struct utsname names;
  if (uname(&names) != 0) return "";
  return names.nodename;
}

// Runs `beside` on a thread of its own while `here` runs on this one, and returns when both
// have; when no thread can be made, one after the other, `here` first.
void RunBeside(absl::FunctionRef<void()> beside, absl::FunctionRef<void()> here) {
  pthread_t thread;
  auto run = [](void* work) -> void* {
    (*static_cast<absl::FunctionRef<void()>*>(work))();
    return nullptr;
  };
  const bool started = pthread_create(&thread, nullptr, run, &beside) == 0;
  here();
  if (started) {
    pthread_join(thread, nullptr);
  } else {
    beside();
  }
}

}  // namespace

absl::StatusOr<Report> CaptureLiveProcess(const LiveCaptureRequest& request, const Config& config) {
  absl::StatusOr<ProcessInfo> info = ReadProcessInfo(request.pid);
  if (!info.ok()) return info.status();

  CaptureOptions options;
  options.reporter_version = kDdcrashVersion;
  options.reporter_source_revision = kDdcrashSourceRevision;
  options.trigger = request.trigger;
  options.crash = request.crash;
  options.start = request.start;
  options.timeout = config.timeout;
  options.dac_timeout = config.dac_timeout;
  options.dac_path = config.dac_path;
  options.dac_dir = config.dac_dir;
  options.max_frames = config.max_frames;
  options.scrub_pattern = config.scrub_pattern;
  options.warnings = config.warnings;
  options.checkpoint = request.checkpoint;
  Capture capture(std::move(options));
  capture.SetProcess(*info, Hostname());

  std::unique_ptr<FrozenProcess> process;
  {
    StageTimer timer = capture.TimeStage("attach");
    FreezeOptions freeze;
    freeze.thread_stop_timeout = config.thread_stop_timeout;
    freeze.deadline = capture.deadline();
    absl::StatusOr<std::unique_ptr<FrozenProcess>> frozen =
        FrozenProcess::Freeze(request.pid, freeze);
    if (!frozen.ok()) return frozen.status();
    process = *std::move(frozen);
  }
  dac::LiveManagedStateSource managed;
  // The DAC process loads the DAC and walks the managed stacks while the native walk runs; it
  // needs the walk's results only to name what the walk left unnamed, at the end. Started
  // before the report's threads are made, so that it does not inherit them (0.9 MiB at 1,000
  // threads, held twice while both processes run).
  dac::ManagedStateRequest dac_choice;
  dac_choice.dac_path = config.dac_path;
  dac_choice.dac_dir = config.dac_dir;
  dac_choice.max_frames = config.max_frames;
  managed.StartEarly(*process, dac_choice);
  capture.AddSnapshot(*process);
  {
    LiveNativeUnwinder unwinder(*process);
    capture.UnwindStacks(*process, unwinder);
  }
  // The walk's pages of target memory (~5 MiB at 1,000 threads) would otherwise still be held
  // while the DAC's result arrives and is parsed, ddreport's peak.
  process->DropMemoryCache();
  // And handed back to the system: while the DAC process runs, the two processes' memory is
  // at its peak together.
  malloc_trim(0);
  std::optional<dac::ManagedState> managed_state = capture.CollectManagedState(*process, managed);
  // ptrace calls must come from this thread, the tracer; the merge reads nothing more of the
  // process, so the app runs again while the frames are merged.
  absl::Status detached;
  absl::Duration detach_time;
  RunBeside(
      [&] {
        if (managed_state) capture.MergeManagedState(*std::move(managed_state));
      },
      [&] {
        // Recorded by RecordDetach: meanwhile the report is the merge's.
        StageTimer timer(nullptr, "detach");
        const absl::Time start = absl::Now();
        detached = process->Detach();
        detach_time = absl::Now() - start;
      });
  capture.RecordDetach(detached, detach_time, process->died_while_frozen());
  return std::move(capture).Build();
}

}  // namespace ddcrash
