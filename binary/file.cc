#include "binary/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ddcrash::binary {

absl::StatusOr<ReadOnlyFile> ReadOnlyFile::Open(const std::string& path) {
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
  return ReadOnlyFile(fd, static_cast<uint64_t>(st.st_size), path);
}

ReadOnlyFile::ReadOnlyFile(ReadOnlyFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), size_(other.size_), path_(std::move(other.path_)) {}

ReadOnlyFile& ReadOnlyFile::operator=(ReadOnlyFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    size_ = other.size_;
    path_ = std::move(other.path_);
  }
  return *this;
}

ReadOnlyFile::~ReadOnlyFile() {
  if (fd_ >= 0) close(fd_);
}

absl::StatusOr<std::string> ReadOnlyFile::Read(uint64_t offset, size_t size) const {
  if (offset > size_ || size > size_ - offset) {
    return absl::InvalidArgumentError(absl::StrCat(path_, ": range ", offset, "+", size,
                                                   " past the end of its ", size_, " bytes"));
  }
  std::string bytes(size, '\0');
  size_t done = 0;
  while (done < size) {
    ssize_t n = pread(fd_, bytes.data() + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return absl::ErrnoToStatus(errno, absl::StrCat("read ", path_));
    if (n == 0) return absl::DataLossError(absl::StrCat(path_, " shrank while being read"));
    done += static_cast<size_t>(n);
  }
  return bytes;
}

absl::StatusOr<std::string> ReadFileBounded(const std::string& path, size_t max_size) {
  absl::StatusOr<ReadOnlyFile> file = ReadOnlyFile::Open(path);
  if (!file.ok()) return file.status();
  if (file->size() > max_size) {
    return absl::ResourceExhaustedError(absl::StrCat(
        path, " has ", file->size(), " bytes, more than the limit of ", max_size));
  }
  return file->Read(0, static_cast<size_t>(file->size()));
}

absl::StatusOr<std::string> ReadFileRange(const FileRange& range, size_t max_size) {
  if (range.size > max_size) {
    return absl::ResourceExhaustedError(absl::StrCat(
        range.path, ": a range of ", range.size, " bytes, more than the limit of ", max_size));
  }
  absl::StatusOr<ReadOnlyFile> file = ReadOnlyFile::Open(range.path);
  if (!file.ok()) return file.status();
  if (range.offset > file->size() || range.size > file->size() - range.offset) {
    return absl::OutOfRangeError(absl::StrCat(range.path, ": range ", range.offset, "+",
                                              range.size, " past the end of its ", file->size(),
                                              " bytes"));
  }
  return file->Read(range.offset, static_cast<size_t>(range.size));
}

}  // namespace ddcrash::binary
