#include "ptrace/process_memory.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "gtest/gtest.h"

namespace ddcrash {
namespace {

// Readable bytes [0x1000, 0x1000 + size) served at most `chunk` bytes per Read, like a reader
// that stops at page boundaries.
class ChunkedMemory : public ProcessMemory {
 public:
  ChunkedMemory(size_t size, size_t chunk) : size_(size), chunk_(chunk) {}
  absl::StatusOr<size_t> Read(uint64_t address, absl::Span<uint8_t> out) override {
    if (address < 0x1000 || address >= 0x1000 + size_) return absl::OutOfRangeError("unmapped");
    size_t n = std::min({out.size(), chunk_, static_cast<size_t>(0x1000 + size_ - address)});
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(address + i);
    return n;
  }

 private:
  size_t size_;
  size_t chunk_;
};

TEST(ProcessMemoryTest, ReadExactAssemblesShortReads) {
  ChunkedMemory memory(64, 3);
  std::vector<uint8_t> out(20);
  ASSERT_TRUE(memory.ReadExact(0x1005, absl::MakeSpan(out)).ok());
  for (size_t i = 0; i < out.size(); ++i) EXPECT_EQ(out[i], static_cast<uint8_t>(0x05 + i));
}

TEST(ProcessMemoryTest, ReadExactFailsWhenTheRangeEnds) {
  ChunkedMemory memory(16, 4);
  std::vector<uint8_t> out(20);
  absl::Status status = memory.ReadExact(0x1000, absl::MakeSpan(out));
  EXPECT_TRUE(absl::IsOutOfRange(status)) << status;
  EXPECT_FALSE(memory.ReadExact(0x10, absl::MakeSpan(out)).ok());
}

TEST(ProcessMemoryTest, ReadValue) {
  ChunkedMemory memory(64, 1);
  absl::StatusOr<uint32_t> value = memory.ReadValue<uint32_t>(0x1010);
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, 0x13121110u);
  EXPECT_FALSE(memory.ReadValue<uint64_t>(0x103c).ok());
}

}  // namespace
}  // namespace ddcrash
