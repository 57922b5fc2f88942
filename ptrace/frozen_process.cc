#include "ptrace/frozen_process.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "ptrace/internal/proc_files.h"
#include "ptrace/maps.h"
#include "ptrace/module_map_builder.h"
#include "ptrace/thread_list.h"

namespace ddcrash {
namespace {

using ptrace_internal::ErrnoStatus;
using ptrace_internal::ParseStatCommand;
using ptrace_internal::ParseStatState;
using ptrace_internal::ReadProcFile;
using ptrace_internal::ReadTaskStat;

// When to re-send PTRACE_INTERRUPT to a thread that has not stopped, after the first one.
constexpr absl::Duration kInterruptRetries[] = {absl::Milliseconds(10), absl::Milliseconds(20),
                                               absl::Milliseconds(40)};
// Polling interval bounds while waiting for stops: threads usually stop within microseconds.
constexpr absl::Duration kFirstPoll = absl::Microseconds(50);
constexpr absl::Duration kMaxPoll = absl::Milliseconds(1);

long Ptrace(int request, pid_t tid, uintptr_t addr, uintptr_t data) {
  return ptrace(static_cast<__ptrace_request>(request), tid, reinterpret_cast<void*>(addr),
                reinterpret_cast<void*>(data));
}

// The parent pid from the text of /proc/PID/stat (the second field after the command).
pid_t ParseStatParent(absl::string_view stat) {
  size_t close = stat.rfind(')');
  if (close == absl::string_view::npos) return 0;
  std::vector<absl::string_view> fields =
      absl::StrSplit(stat.substr(close + 1), ' ', absl::SkipEmpty());
  int ppid = 0;
  if (fields.size() < 2 || !absl::SimpleAtoi(fields[1], &ppid)) return 0;
  return ppid;
}

// Whether thread `tid` of `pid` exists and is not dead or a zombie.
bool ThreadAlive(pid_t pid, pid_t tid) {
  absl::StatusOr<std::string> stat = ReadProcFile(absl::StrFormat("/proc/%d/task/%d/stat", pid, tid));
  if (!stat.ok()) return false;
  char state = ParseStatState(*stat);
  return state != 'Z' && state != 'X' && state != 'x';
}

// Collects the exit of a killed tracee, waiting until `give_up` for it to finish dying.
void Reap(pid_t tid, absl::Time give_up) {
  absl::Duration poll = kFirstPoll;
  while (true) {
    int status = 0;
    pid_t r = waitpid(tid, &status, __WALL | WNOHANG);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 || (r == tid && (WIFEXITED(status) || WIFSIGNALED(status)))) return;
    if (absl::Now() >= give_up) return;
    absl::SleepFor(poll);
    poll = std::min(poll * 2, kMaxPoll);
  }
}

}  // namespace

FrozenProcess::FrozenProcess(pid_t pid, const FreezeOptions& options)
    : pid_(pid), options_(options), live_memory_(pid), cached_memory_(live_memory_) {}

FrozenProcess::~FrozenProcess() {
  Detach().IgnoreError();
  if (task_dir_ >= 0) close(task_dir_);
}

absl::StatusOr<std::unique_ptr<FrozenProcess>> FrozenProcess::Freeze(
    pid_t pid, const FreezeOptions& options) {
  if (pid <= 0) return absl::InvalidArgumentError(absl::StrFormat("invalid pid %d", pid));
  absl::StatusOr<std::string> stat = ReadProcFile(absl::StrFormat("/proc/%d/stat", pid));
  if (absl::IsNotFound(stat.status())) {
    return absl::NotFoundError(absl::StrFormat("process %d does not exist", pid));
  }
  if (!stat.ok()) return stat.status();
  if (ParseStatState(*stat) == 'Z') {
    return absl::FailedPreconditionError(absl::StrFormat("process %d is a zombie", pid));
  }

  std::unique_ptr<FrozenProcess> process(new FrozenProcess(pid, options));
  process->tracer_is_parent_ = ParseStatParent(*stat) == getpid();
  const std::string task_path = absl::StrFormat("/proc/%d/task", pid);
  process->task_dir_ = open(task_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (process->task_dir_ < 0) {
    const int error = errno;
    if (error == ENOENT) return absl::NotFoundError(absl::StrFormat("process %d does not exist", pid));
    return ErrnoStatus(error, absl::StrCat("open ", task_path));
  }
  absl::StatusOr<ThreadDiscovery> discovery = DiscoverThreads(
      pid, [&](absl::Span<const pid_t> tids) { process->StopThreads(tids); }, options.deadline);
  if (!discovery.ok()) {
    if (absl::IsNotFound(discovery.status())) {
      return absl::NotFoundError(absl::StrFormat("process %d does not exist", pid));
    }
    return discovery.status();
  }
  process->all_threads_found_ = discovery->complete;

  bool any_stopped = std::any_of(process->tracees_.begin(), process->tracees_.end(),
                                 [](const Tracee& t) { return t.stopped; });
  if (!any_stopped) {
    if (absl::IsPermissionDenied(process->first_seize_error_)) {
      return process->first_seize_error_;
    }
    return absl::NotFoundError(
        absl::StrFormat("process %d exited or could not be stopped: %s", pid,
                        process->threads_.empty() ? "no threads"
                                                  : process->threads_.front().error));
  }

  absl::StatusOr<std::string> maps = ReadProcFile(absl::StrFormat("/proc/%d/maps", pid));
  absl::StatusOr<std::vector<Mapping>> mappings =
      maps.ok() ? ParseMaps(*maps) : absl::StatusOr<std::vector<Mapping>>(maps.status());
  if (mappings.ok()) {
    process->modules_ = BuildModuleMap(*std::move(mappings), process->cached_memory_, pid);
  } else {
    process->modules_status_ = mappings.status();
  }
  return process;
}

void FrozenProcess::StopThreads(absl::Span<const pid_t> tids) {
  std::vector<size_t> seized;
  for (pid_t tid : tids) {
    ThreadState state;
    state.tid = tid;
    // Name and state before seizing: the state letter should say what the thread was doing,
    // not that we stopped it. One file gives both.
    if (absl::StatusOr<std::string> stat = ReadTaskStat(task_dir_, tid); stat.ok()) {
      state.name = std::string(ParseStatCommand(*stat));
      state.sched_state = ParseStatState(*stat);
    }

    Tracee tracee;
    tracee.tid = tid;
    tracee.thread_index = threads_.size();
    if (Ptrace(PTRACE_SEIZE, tid, 0, 0) != 0) {
      int error = errno;
      // The kernel refuses to seize an exiting thread with EPERM, not ESRCH: only a thread
      // that is still alive afterwards was refused for lack of permission.
      if (error == EPERM && !ThreadAlive(pid_, tid)) error = ESRCH;
      absl::Status status = ErrnoStatus(error, absl::StrFormat("ptrace(PTRACE_SEIZE, %d)", tid));
      if (first_seize_error_.ok()) first_seize_error_ = status;
      state.error = error == ESRCH ? "thread exited before it could be stopped"
                                   : std::string(status.message());
      tracee.gone = true;
    } else if (Ptrace(PTRACE_INTERRUPT, tid, 0, 0) != 0) {
      // Seized but gone already: waitpid below collects its exit.
      seized.push_back(tracees_.size());
    } else {
      seized.push_back(tracees_.size());
    }
    threads_.push_back(std::move(state));
    tracees_.push_back(tracee);
  }
  WaitForStops(seized, std::min(absl::Now() + options_.thread_stop_timeout, options_.deadline),
               /*record_errors=*/true);
  for (size_t index : seized) {
    Tracee& tracee = tracees_[index];
    if (tracee.stopped) ReadRegisters(tracee);
  }
}

void FrozenProcess::HandleWaitStatus(size_t index, int status, bool record_errors) {
  Tracee& tracee = tracees_[index];
  ThreadState& state = threads_[tracee.thread_index];
  if (WIFSTOPPED(status)) {
    tracee.stopped = true;
    // PTRACE_EVENT_STOP is our interrupt (or a group-stop): nothing to re-deliver. Any other
    // stop is a signal-delivery-stop: the signal was about to be delivered and must be on
    // detach, or the target would lose it.
    bool event_stop = (status >> 16) == PTRACE_EVENT_STOP;
    tracee.pending_signal = event_stop ? 0 : WSTOPSIG(status);
  } else if (WIFEXITED(status) || WIFSIGNALED(status)) {
    tracee.gone = true;
    if (record_errors) state.error = "thread exited while being stopped";
  }
}

void FrozenProcess::WaitForStops(const std::vector<size_t>& indices, absl::Time give_up,
                                 bool record_errors) {
  const absl::Time start = absl::Now();
  std::vector<size_t> waiting = indices;
  size_t retries_sent = 0;
  absl::Duration poll = kFirstPoll;
  while (true) {
    std::vector<size_t> still;
    for (size_t index : waiting) {
      Tracee& tracee = tracees_[index];
      int status = 0;
      pid_t r = waitpid(tracee.tid, &status, __WALL | WNOHANG);
      if (r == tracee.tid) {
        HandleWaitStatus(index, status, record_errors);
        if (!tracee.stopped && !tracee.gone) still.push_back(index);
      } else if (r < 0 && errno == ECHILD) {
        // Not (or no longer) our tracee: it exited and was released.
        tracee.gone = true;
        if (record_errors) threads_[tracee.thread_index].error = "thread exited while being stopped";
      } else {
        still.push_back(index);
      }
    }
    waiting = std::move(still);
    if (waiting.empty()) return;

    absl::Time now = absl::Now();
    if (now >= give_up) break;
    // Re-interrupt laggards on the back-off schedule: an interrupt can be lost to a thread
    // exiting a stop at the same moment.
    absl::Duration elapsed = now - start;
    absl::Duration next_retry = absl::ZeroDuration();
    for (size_t i = 0; i <= retries_sent && i < std::size(kInterruptRetries); ++i) {
      next_retry += kInterruptRetries[i];
    }
    if (retries_sent < std::size(kInterruptRetries) && elapsed >= next_retry) {
      for (size_t index : waiting) Ptrace(PTRACE_INTERRUPT, tracees_[index].tid, 0, 0);
      ++retries_sent;
    }
    absl::SleepFor(std::min(poll, give_up - now));
    poll = std::min(poll * 2, kMaxPoll);
  }
  if (!record_errors) return;
  for (size_t index : waiting) {
    threads_[tracees_[index].thread_index].error =
        give_up == options_.deadline
            ? "thread not stopped before the freeze deadline"
            : absl::StrFormat("thread did not stop within %s",
                              absl::FormatDuration(options_.thread_stop_timeout));
  }
}

void FrozenProcess::ReadRegisters(Tracee& tracee) {
  ThreadState& state = threads_[tracee.thread_index];
  iovec gp{&state.regs, sizeof(state.regs)};
  if (Ptrace(PTRACE_GETREGSET, tracee.tid, NT_PRSTATUS, reinterpret_cast<uintptr_t>(&gp)) != 0) {
    state.error = absl::StrCat("ptrace(PTRACE_GETREGSET, NT_PRSTATUS): ", strerror(errno));
    return;
  }
  state.stopped = true;
  iovec fp{&state.fpregs, sizeof(state.fpregs)};
  state.has_fpregs =
      Ptrace(PTRACE_GETREGSET, tracee.tid, NT_FPREGSET, reinterpret_cast<uintptr_t>(&fp)) == 0 &&
      fp.iov_len == sizeof(state.fpregs);
}

absl::Status FrozenProcess::Detach() {
  // Threads still running (they missed the timeout) cannot be detached until they stop.
  std::vector<size_t> unstopped;
  for (size_t i = 0; i < tracees_.size(); ++i) {
    if (!tracees_[i].gone && !tracees_[i].stopped) {
      Ptrace(PTRACE_INTERRUPT, tracees_[i].tid, 0, 0);
      unstopped.push_back(i);
    }
  }
  // The snapshot keeps saying these threads were not stopped: their registers were never read.
  // The freeze deadline does not apply: leaving threads seized is worse than a short wait.
  if (!unstopped.empty()) {
    WaitForStops(unstopped, absl::Now() + options_.thread_stop_timeout, /*record_errors=*/false);
  }

  std::vector<std::string> failures;
  for (Tracee& tracee : tracees_) {
    if (tracee.gone) continue;
    if (!tracee.stopped) {
      failures.push_back(absl::StrFormat("%d (never stopped)", tracee.tid));
      continue;
    }
    if (Ptrace(PTRACE_DETACH, tracee.tid, 0, static_cast<uintptr_t>(tracee.pending_signal)) ==
        0) {
      tracee.gone = true;
      continue;
    }
    // ESRCH: it died (SIGKILL) while stopped. Collect its exit so the kernel can release it
    // (an unreaped traced thread keeps the whole process from being reported dead), except
    // the leader when its parent is us: our caller reaps its own child.
    int error = errno;
    if (error == ESRCH) died_while_frozen_ = true;
    if (error == ESRCH && !(tracee.tid == pid_ && tracer_is_parent_)) {
      Reap(tracee.tid, absl::Now() + options_.thread_stop_timeout);
    }
    tracee.gone = true;
    if (error != ESRCH) {
      failures.push_back(absl::StrFormat("%d (%s)", tracee.tid, strerror(error)));
    }
  }
  if (failures.empty()) return absl::OkStatus();
  return absl::InternalError(
      absl::StrCat("could not detach threads: ", absl::StrJoin(failures, ", ")));
}

}  // namespace ddcrash
