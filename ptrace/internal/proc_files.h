// Reading small files under /proc, whose size stat() does not know.
#ifndef DDCRASH_PTRACE_INTERNAL_PROC_FILES_H_
#define DDCRASH_PTRACE_INTERNAL_PROC_FILES_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ddcrash::ptrace_internal {

// The whole content of `path`, read to EOF; at most `max_size` bytes (fails beyond that).
// ENOENT gives NotFound, EACCES/EPERM PermissionDenied.
absl::StatusOr<std::string> ReadProcFile(const std::string& path, size_t max_size = 64 << 20);

// The stat line of thread `tid` of the process whose /proc/PID/task `task_dir` is open on: a
// path relative to it (no lookup of /proc/PID for each thread), and one read, since the kernel
// makes the line whole on the first read (a line that fills the buffer fails instead).
// Errors as ReadProcFile's.
absl::StatusOr<std::string> ReadTaskStat(int task_dir, pid_t tid);

// The numeric entries of /proc/PID/task: the thread ids, in directory order.
absl::StatusOr<std::vector<pid_t>> ReadTaskIds(pid_t pid);

// The scheduling state letter from the text of /proc/PID/stat or /proc/PID/task/TID/stat
// (the field after the parenthesised command, which may itself contain ") ").
char ParseStatState(absl::string_view stat);
// The command (the thread's name, as /proc/.../comm holds it but unescaped) from the same
// text: between the first "(" and the last ")"; empty when there are none.
absl::string_view ParseStatCommand(absl::string_view stat);

// A status from `errno_value`, with `what` and the errno text in the message.
absl::Status ErrnoStatus(int errno_value, absl::string_view what);

}  // namespace ddcrash::ptrace_internal

#endif  // DDCRASH_PTRACE_INTERNAL_PROC_FILES_H_
