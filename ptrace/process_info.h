// Identity of a process read from /proc: executable, command line, environment, parent.
#ifndef DDCRASH_PTRACE_PROCESS_INFO_H_
#define DDCRASH_PTRACE_PROCESS_INFO_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ddcrash {

struct ProcessInfo {
  pid_t pid = 0;
  pid_t ppid = 0;
  // /proc/PID/exe as the kernel resolves it (" (deleted)" stripped); empty if unreadable.
  std::string exe;
  // /proc/PID/comm.
  std::string name;
  std::vector<std::string> cmdline;
  // NAME=VALUE entries, unscrubbed: callers must scrub before storing them anywhere.
  std::vector<std::string> environment;
};

// NotFound when the process does not exist. Parts that cannot be read (environ of another
// user's process) are left empty.
absl::StatusOr<ProcessInfo> ReadProcessInfo(pid_t pid);

// Splits NUL-separated /proc records (cmdline, environ); a missing final NUL is tolerated.
std::vector<std::string> SplitNulSeparated(absl::string_view bytes);

// The parent pid from the contents of /proc/PID/stat (whose comm field may contain spaces and
// parentheses); 0 when malformed.
pid_t ParentPidFromStat(absl::string_view stat);

}  // namespace ddcrash

#endif  // DDCRASH_PTRACE_PROCESS_INFO_H_
