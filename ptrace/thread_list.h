// Finding every thread of a process, including threads created while we look.
#ifndef DDCRASH_PTRACE_THREAD_LIST_H_
#define DDCRASH_PTRACE_THREAD_LIST_H_

#include <sys/types.h>

#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace ddcrash {

// The thread ids in /proc/PID/task now. NotFound when the process does not exist.
absl::StatusOr<std::vector<pid_t>> ListThreads(pid_t pid);

struct ThreadDiscovery {
  std::vector<pid_t> tids;  // every thread found, in discovery order
  // True when the last pass found no new thread; false when the deadline or the pass limit
  // ended the search first, or the process vanished during it.
  bool complete = false;
};

// Lists /proc/PID/task in passes, handing each pass's new threads to `on_new_threads`, until
// a pass finds nothing new. The callback is where the caller stops the threads it is given:
// a running thread may create threads at any time, but once every known thread is stopped,
// none can, so the next pass that finds nothing new proves the list complete. Fails only
// when the first pass does.
absl::StatusOr<ThreadDiscovery> DiscoverThreads(
    pid_t pid, absl::FunctionRef<void(absl::Span<const pid_t> new_tids)> on_new_threads,
    absl::Time deadline = absl::InfiniteFuture(), int max_passes = 1000);

}  // namespace ddcrash

#endif  // DDCRASH_PTRACE_THREAD_LIST_H_
