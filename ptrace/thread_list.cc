#include "ptrace/thread_list.h"

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "ptrace/internal/proc_files.h"

namespace ddcrash {

absl::StatusOr<std::vector<pid_t>> ListThreads(pid_t pid) {
  absl::StatusOr<std::vector<pid_t>> tids = ptrace_internal::ReadTaskIds(pid);
  if (absl::IsNotFound(tids.status())) {
    return absl::NotFoundError(absl::StrFormat("process %d does not exist", pid));
  }
  return tids;
}

absl::StatusOr<ThreadDiscovery> DiscoverThreads(
    pid_t pid, absl::FunctionRef<void(absl::Span<const pid_t> new_tids)> on_new_threads,
    absl::Time deadline, int max_passes) {
  ThreadDiscovery discovery;
  absl::flat_hash_set<pid_t> known;
  for (int pass = 0; pass < max_passes; ++pass) {
    absl::StatusOr<std::vector<pid_t>> tids = ListThreads(pid);
    if (!tids.ok()) {
      if (pass == 0) return tids.status();
      return discovery;  // the process went away: what we have is all there is
    }
    std::vector<pid_t> fresh;
    for (pid_t tid : *tids) {
      if (known.insert(tid).second) fresh.push_back(tid);
    }
    if (fresh.empty()) {
      discovery.complete = true;
      return discovery;
    }
    discovery.tids.insert(discovery.tids.end(), fresh.begin(), fresh.end());
    on_new_threads(fresh);
    if (absl::Now() >= deadline) return discovery;
  }
  return discovery;
}

}  // namespace ddcrash
