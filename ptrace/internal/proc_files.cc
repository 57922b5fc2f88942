#include "ptrace/internal/proc_files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ddcrash::ptrace_internal {

absl::Status ErrnoStatus(int errno_value, absl::string_view what) {
  std::string message = absl::StrCat(what, ": ", strerror(errno_value));
  switch (errno_value) {
    case ENOENT:
    case ESRCH:
      return absl::NotFoundError(message);
    case EPERM:
    case EACCES:
      return absl::PermissionDeniedError(message);
    default:
      return absl::InternalError(message);
  }
}

absl::StatusOr<std::string> ReadProcFile(const std::string& path, size_t max_size) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, absl::StrCat("open ", path));
  std::string content;
  char buffer[16384];
  while (true) {
    ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int saved = errno;
      close(fd);
      return ErrnoStatus(saved, absl::StrCat("read ", path));
    }
    if (n == 0) break;
    if (content.size() + static_cast<size_t>(n) > max_size) {
      close(fd);
      return absl::ResourceExhaustedError(absl::StrFormat("%s is larger than %d bytes", path, max_size));
    }
    content.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  return content;
}

absl::StatusOr<std::string> ReadTaskStat(int task_dir, pid_t tid) {
  const std::string path = absl::StrCat(tid, "/stat");
  const int fd = openat(task_dir, path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, absl::StrCat("open task/", path));
  // 52 fields of at most 20 digits and a 64-byte name fit with room to spare.
  char buffer[4096];
  ssize_t n;
  do {
    n = read(fd, buffer, sizeof(buffer));
  } while (n < 0 && errno == EINTR);
  const int saved = errno;
  close(fd);
  if (n < 0) return ErrnoStatus(saved, absl::StrCat("read task/", path));
  if (static_cast<size_t>(n) == sizeof(buffer)) {
    return absl::ResourceExhaustedError(
        absl::StrFormat("task/%s is larger than %d bytes", path, sizeof(buffer) - 1));
  }
  return std::string(buffer, static_cast<size_t>(n));
}

absl::StatusOr<std::vector<pid_t>> ReadTaskIds(pid_t pid) {
  std::string path = absl::StrFormat("/proc/%d/task", pid);
  DIR* dir = opendir(path.c_str());
  if (dir == nullptr) return ErrnoStatus(errno, absl::StrCat("opendir ", path));
  std::vector<pid_t> tids;
  errno = 0;
  while (dirent* entry = readdir(dir)) {
    int tid;
    if (absl::SimpleAtoi(entry->d_name, &tid) && tid > 0) tids.push_back(tid);
  }
  int saved = errno;
  closedir(dir);
  // A process that exits while we read its task directory ends the listing with ESRCH or
  // ENOENT; what was read is still the best answer.
  if (saved != 0 && tids.empty()) return ErrnoStatus(saved, absl::StrCat("readdir ", path));
  return tids;
}

char ParseStatState(absl::string_view stat) {
  size_t close = stat.rfind(')');
  if (close == absl::string_view::npos || close + 2 >= stat.size()) return '?';
  char state = stat[close + 2];
  return (state >= 'A' && state <= 'Z') || (state >= 'a' && state <= 'z') ? state : '?';
}

absl::string_view ParseStatCommand(absl::string_view stat) {
  size_t open = stat.find('(');
  size_t close = stat.rfind(')');
  if (open == absl::string_view::npos || close == absl::string_view::npos || close < open) {
    return absl::string_view();
  }
  return stat.substr(open + 1, close - open - 1);
}

}  // namespace ddcrash::ptrace_internal
