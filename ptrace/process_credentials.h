// Who a process runs as: its effective user and group and its supplementary groups, from
// /proc/PID/status. The DAC stage uses them to run the DAC with no more privilege than the
// target's owner has (dac/dac_confinement.h).
#ifndef DDCRASH_PTRACE_PROCESS_CREDENTIALS_H_
#define DDCRASH_PTRACE_PROCESS_CREDENTIALS_H_

#include <sys/types.h>

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ddcrash {

struct ProcessCredentials {
  uid_t uid = 0;  // effective
  gid_t gid = 0;  // effective
  std::vector<gid_t> groups;  // supplementary, sorted, without duplicates

  bool operator==(const ProcessCredentials& other) const = default;
};

// More supplementary groups than Linux allows (NGROUPS_MAX) are refused as malformed.
inline constexpr size_t kMaxSupplementaryGroups = 65536;

// Parses the "Uid:", "Gid:" and "Groups:" lines of /proc/PID/status contents. InvalidArgument
// when a line is missing or malformed.
absl::StatusOr<ProcessCredentials> ParseStatusCredentials(absl::string_view status);

// The credentials of process (or thread) `pid`. NotFound when it does not exist.
absl::StatusOr<ProcessCredentials> ReadProcessCredentials(pid_t pid);

// This process's own credentials.
ProcessCredentials CurrentCredentials();

}  // namespace ddcrash

#endif  // DDCRASH_PTRACE_PROCESS_CREDENTIALS_H_
