// Reading a whole file of untrusted size, bounded.
#ifndef DDCRASH_BINARY_FILE_H_
#define DDCRASH_BINARY_FILE_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace ddcrash::binary {

// The contents of the regular file `path`: NotFound when it does not exist,
// ResourceExhausted when larger than `max_size`, the errno status on other failures.
absl::StatusOr<std::string> ReadFileBounded(const std::string& path, size_t max_size);

// Bytes [offset, offset + size) of the regular file `path` (a file a single-file app bundles):
// errors as ReadFileBounded; ResourceExhausted when `size` exceeds `max_size`, OutOfRange when
// the range does not lie in the file.
absl::StatusOr<std::string> ReadFileRange(const std::string& path, uint64_t offset, uint64_t size,
                                          size_t max_size);

}  // namespace ddcrash::binary

#endif  // DDCRASH_BINARY_FILE_H_
