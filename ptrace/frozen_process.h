// A live process held still with ptrace: every thread seized and stopped, registers read,
// memory and modules readable, until Detach() or destruction lets it run on.
#ifndef DDCRASH_PTRACE_FROZEN_PROCESS_H_
#define DDCRASH_PTRACE_FROZEN_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "ptrace/cached_process_memory.h"
#include "ptrace/live_process_memory.h"
#include "ptrace/module_map.h"
#include "ptrace/process_snapshot.h"
#include "ptrace/thread_state.h"

namespace ddcrash {

struct FreezeOptions {
  // How long one thread may take to stop after PTRACE_INTERRUPT (re-sent after 10, 20 and
  // 40 ms). Threads of one discovery pass wait concurrently.
  absl::Duration thread_stop_timeout = absl::Milliseconds(200);
  // When the whole freeze must end: threads not stopped by then are recorded as not stopped.
  absl::Time deadline = absl::InfiniteFuture();
};

class FrozenProcess : public ProcessSnapshot {
 public:
  // Seizes (PTRACE_SEIZE, which unlike PTRACE_ATTACH sends no SIGSTOP that could outlive us)
  // and interrupts every thread of `pid`, finding threads created meanwhile, then reads
  // registers, names, states and the module map. Threads that exit meanwhile or cannot be
  // stopped in time are kept with an error. Fails with NotFound when the process does not
  // exist or exits before any thread is stopped, PermissionDenied when ptrace is refused,
  // FailedPrecondition for a zombie.
  static absl::StatusOr<std::unique_ptr<FrozenProcess>> Freeze(
      pid_t pid, const FreezeOptions& options = FreezeOptions());

  // Detaches.
  ~FrozenProcess() override;
  FrozenProcess(const FrozenProcess&) = delete;
  FrozenProcess& operator=(const FrozenProcess&) = delete;

  pid_t pid() const override { return pid_; }
  absl::Span<const ThreadState> threads() const override { return threads_; }
  const ModuleMap& modules() const override { return modules_; }
  // Page-cached; reflects the process as frozen. Valid until Detach().
  ProcessMemory& memory() override { return cached_memory_; }
  // Frees the page cache behind memory() (reads after this fill it again): for a caller done
  // with the many small reads it speeds up, so its pages do not add to a later peak.
  void DropMemoryCache() { cached_memory_.Clear(); }

  // Thread discovery's proof: see DiscoverThreads.
  bool all_threads_found() const override { return all_threads_found_; }
  const absl::Status& modules_status() const override { return modules_status_; }

  // Lets every seized thread run again, re-delivering signals that arrived while it was
  // stopped. A thread that has not stopped yet is interrupted and waited for (bounded by the
  // per-thread timeout) first, since ptrace can only detach a stopped thread; one that still
  // does not stop stays seized until this process exits, when the kernel detaches it.
  // Idempotent; fails listing the threads that could not be detached.
  absl::Status Detach();

  // True once Detach() found seized threads gone: the process was killed while frozen (a
  // stopped thread cannot exit on its own), so whatever was read after that is cut short.
  bool died_while_frozen() const { return died_while_frozen_; }

 private:
  // What we know about one thread we seized.
  struct Tracee {
    pid_t tid = 0;
    size_t thread_index = 0;      // into threads_
    bool stopped = false;         // in a ptrace stop we have waited for
    bool gone = false;            // exited (and reaped) or never seized
    int pending_signal = 0;       // signal-delivery-stop signal, re-injected on detach
  };

  explicit FrozenProcess(pid_t pid, const FreezeOptions& options);

  // Seizes, interrupts and waits for `tids`, appending to threads_ and tracees_.
  void StopThreads(absl::Span<const pid_t> tids);
  // Waits (polling) until the tracees in `indices` stop, exit or run out of time; with
  // `record_errors`, says why in their ThreadState.
  void WaitForStops(const std::vector<size_t>& indices, absl::Time give_up, bool record_errors);
  // Records the outcome of a waitpid status for tracee `index`.
  void HandleWaitStatus(size_t index, int status, bool record_errors);
  void ReadRegisters(Tracee& tracee);

  pid_t pid_;
  int task_dir_ = -1;  // /proc/PID/task, which each thread's stat is read from
  FreezeOptions options_;
  bool tracer_is_parent_ = false;  // we must not reap the leader: our caller will
  std::vector<ThreadState> threads_;
  std::vector<Tracee> tracees_;
  ModuleMap modules_;
  absl::Status modules_status_;
  bool all_threads_found_ = false;
  bool died_while_frozen_ = false;
  absl::Status first_seize_error_;
  LiveProcessMemory live_memory_;
  CachedProcessMemory cached_memory_;
};

}  // namespace ddcrash

#endif  // DDCRASH_PTRACE_FROZEN_PROCESS_H_
