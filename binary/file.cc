#include "binary/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ddcrash::binary {

namespace {

// `path` opened for reading, if it is a regular file; its size in *size.
absl::StatusOr<int> OpenRegular(const std::string& path, uint64_t* size) {
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
  *size = static_cast<uint64_t>(st.st_size);
  return fd;
}

// `size` bytes at `offset` of `fd`, which is closed.
absl::StatusOr<std::string> ReadAndClose(int fd, const std::string& path, uint64_t offset,
                                         size_t size) {
  std::string bytes(size, '\0');
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = pread(fd, bytes.data() + done, bytes.size() - done,
                      static_cast<off_t>(offset + done));
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

}  // namespace

absl::StatusOr<std::string> ReadFileBounded(const std::string& path, size_t max_size) {
  uint64_t file_size = 0;
  absl::StatusOr<int> fd = OpenRegular(path, &file_size);
  if (!fd.ok()) return fd.status();
  if (file_size > max_size) {
    close(*fd);
    return absl::ResourceExhaustedError(
        absl::StrCat(path, " has ", file_size, " bytes, more than the limit of ", max_size));
  }
  return ReadAndClose(*fd, path, 0, static_cast<size_t>(file_size));
}

absl::StatusOr<std::string> ReadFileRange(const std::string& path, uint64_t offset, uint64_t size,
                                          size_t max_size) {
  if (size > max_size) {
    return absl::ResourceExhaustedError(absl::StrCat(
        path, ": a range of ", size, " bytes, more than the limit of ", max_size));
  }
  uint64_t file_size = 0;
  absl::StatusOr<int> fd = OpenRegular(path, &file_size);
  if (!fd.ok()) return fd.status();
  if (offset > file_size || size > file_size - offset) {
    close(*fd);
    return absl::OutOfRangeError(absl::StrCat(path, " has ", file_size, " bytes: no range of ",
                                              size, " at ", offset));
  }
  return ReadAndClose(*fd, path, offset, static_cast<size_t>(size));
}

}  // namespace ddcrash::binary
