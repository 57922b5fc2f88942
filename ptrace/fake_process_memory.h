// A ProcessMemory over byte regions given by a test: the fake for unit tests of everything
// that reads target memory (here, unwind/, dac/).
#ifndef DDCRASH_PTRACE_FAKE_PROCESS_MEMORY_H_
#define DDCRASH_PTRACE_FAKE_PROCESS_MEMORY_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "ptrace/process_memory.h"

namespace ddcrash {

class FakeProcessMemory : public ProcessMemory {
 public:
  // Makes `bytes` readable at `address`. A later region wins where regions overlap; adjacent
  // regions read as one range.
  void AddRegion(uint64_t address, std::vector<uint8_t> bytes);
  void AddRegion(uint64_t address, absl::string_view bytes);
  // Writes a trivially copyable value as a new region (handy for stack words, structs).
  template <typename T>
  void AddValue(uint64_t address, const T& value) {
    static_assert(std::is_trivially_copyable_v<T>);
    const auto* p = reinterpret_cast<const uint8_t*>(&value);
    AddRegion(address, std::vector<uint8_t>(p, p + sizeof(T)));
  }

  absl::StatusOr<size_t> Read(uint64_t address, absl::Span<uint8_t> out) override;

  // How many times Read was called (for tests of caching layers).
  int read_count() const { return read_count_; }

 private:
  struct Region {
    uint64_t address;
    std::vector<uint8_t> bytes;
  };
  // The newest region holding `address`, or nullptr.
  const Region* RegionAt(uint64_t address) const;
  // Where the next region (newest first) starting after `address` begins, capped to `limit`:
  // an older region's bytes are only visible up to where a newer region begins.
  uint64_t NextNewerStart(const Region* region, uint64_t address, uint64_t limit) const;

  std::vector<Region> regions_;  // in insertion order
  int read_count_ = 0;
};

}  // namespace ddcrash

#endif  // DDCRASH_PTRACE_FAKE_PROCESS_MEMORY_H_
