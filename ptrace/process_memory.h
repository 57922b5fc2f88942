// Reading the memory of a captured process. One interface for every reader: the live one
// (process_vm_readv, /proc/PID/mem), its page cache, and the fakes used by unit tests.
#ifndef DDCRASH_PTRACE_PROCESS_MEMORY_H_
#define DDCRASH_PTRACE_PROCESS_MEMORY_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace ddcrash {

class ProcessMemory {
 public:
  virtual ~ProcessMemory() = default;

  // Reads up to `out.size()` bytes starting at `address`. Returns how many bytes were read:
  // fewer than requested when the range runs into unmapped memory. Fails when not even the
  // first byte is readable.
  virtual absl::StatusOr<size_t> Read(uint64_t address, absl::Span<uint8_t> out) = 0;

  // Acquires now whatever later reads need, so that they keep working after this process
  // gives up privileges (the DAC process drops to the target's credentials, which may not be
  // allowed to open the target's memory anew). Readers that need nothing succeed.
  virtual absl::Status HoldAccess() { return absl::OkStatus(); }

  // Reads exactly `out.size()` bytes or fails.
  absl::Status ReadExact(uint64_t address, absl::Span<uint8_t> out) {
    size_t done = 0;
    while (done < out.size()) {
      absl::StatusOr<size_t> n = Read(address + done, out.subspan(done));
      if (!n.ok()) return n.status();
      if (*n == 0) break;
      done += *n;
    }
    if (done != out.size()) {
      return absl::OutOfRangeError("short read of target memory");
    }
    return absl::OkStatus();
  }

  // Reads one trivially copyable value (a word, a struct) at `address`.
  template <typename T>
  absl::StatusOr<T> ReadValue(uint64_t address) {
    static_assert(std::is_trivially_copyable_v<T>);
    T value;
    absl::Status status =
        ReadExact(address, absl::Span<uint8_t>(reinterpret_cast<uint8_t*>(&value), sizeof(T)));
    if (!status.ok()) return status;
    return value;
  }
};

}  // namespace ddcrash

#endif  // DDCRASH_PTRACE_PROCESS_MEMORY_H_
