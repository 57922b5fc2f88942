// Reading files of untrusted size and content, bounded: whole, or a byte range at a time.
#ifndef DDCRASH_BINARY_FILE_H_
#define DDCRASH_BINARY_FILE_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace ddcrash::binary {

// A regular file open for reading (never a FIFO, device or directory), read by range with
// pread, closed with the object. Move-only.
class ReadOnlyFile {
 public:
  // NotFound when `path` does not exist, FailedPrecondition when it is not a regular file,
  // the errno status on other failures.
  static absl::StatusOr<ReadOnlyFile> Open(const std::string& path);

  ReadOnlyFile(ReadOnlyFile&& other) noexcept;
  ReadOnlyFile& operator=(ReadOnlyFile&& other) noexcept;
  ReadOnlyFile(const ReadOnlyFile&) = delete;
  ReadOnlyFile& operator=(const ReadOnlyFile&) = delete;
  ~ReadOnlyFile();

  const std::string& path() const { return path_; }
  // The size when opened.
  uint64_t size() const { return size_; }
  // `size` bytes at `offset`: InvalidArgument for a range past size(), DataLoss when the file
  // shrank since it was opened.
  absl::StatusOr<std::string> Read(uint64_t offset, size_t size) const;

 private:
  ReadOnlyFile(int fd, uint64_t size, std::string path)
      : fd_(fd), size_(size), path_(std::move(path)) {}

  int fd_ = -1;
  uint64_t size_ = 0;
  std::string path_;
};

// The contents of the regular file `path`: ReadOnlyFile::Open's errors, and ResourceExhausted
// when larger than `max_size`.
absl::StatusOr<std::string> ReadFileBounded(const std::string& path, size_t max_size);

// Bytes [offset, offset + size) of a file: one stored inside another (an assembly or PDB a
// single-file app bundles in its executable).
struct FileRange {
  std::string path;
  uint64_t offset = 0;
  uint64_t size = 0;
};

// Bytes [offset, offset + size) of the regular file `path` (a file a single-file app bundles):
// errors as ReadFileBounded; ResourceExhausted when `size` exceeds `max_size`, OutOfRange when
// the range does not lie in the file.
absl::StatusOr<std::string> ReadFileRange(const FileRange& range, size_t max_size);

}  // namespace ddcrash::binary

#endif  // DDCRASH_BINARY_FILE_H_
