#include "binary/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ddcrash::binary {

absl::StatusOr<std::string> ReadFileBounded(const std::string& path, size_t max_size) {
  // O_NONBLOCK: opening a FIFO planted under a PDB's name must not wait for a writer (it is
  // refused below); reads of a regular file ignore the flag.
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) return absl::ErrnoToStatus(errno, absl::StrCat("open ", path));
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int e = errno;
    close(fd);
    return absl::ErrnoToStatus(e, absl::StrCat("fstat ", path));
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    return absl::FailedPreconditionError(absl::StrCat(path, " is not a regular file"));
  }
  if (static_cast<uint64_t>(st.st_size) > max_size) {
    close(fd);
    return absl::ResourceExhaustedError(
        absl::StrCat(path, " has ", st.st_size, " bytes, more than the limit of ", max_size));
  }
  std::string bytes(static_cast<size_t>(st.st_size), '\0');
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = read(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int e = n < 0 ? errno : 0;
      close(fd);
      if (e == 0) return absl::DataLossError(absl::StrCat(path, " shrank while being read"));
      return absl::ErrnoToStatus(e, absl::StrCat("read ", path));
    }
    done += static_cast<size_t>(n);
  }
  close(fd);
  return bytes;
}

}  // namespace ddcrash::binary
