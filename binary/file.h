// Reading a whole file of untrusted size, bounded.
#ifndef DDCRASH_BINARY_FILE_H_
#define DDCRASH_BINARY_FILE_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"

namespace ddcrash::binary {

// The contents of the regular file `path`: NotFound when it does not exist,
// ResourceExhausted when larger than `max_size`, the errno status on other failures.
absl::StatusOr<std::string> ReadFileBounded(const std::string& path, size_t max_size);

}  // namespace ddcrash::binary

#endif  // DDCRASH_BINARY_FILE_H_
