#include "ptrace/fake_process_memory.h"

#include <cstdint>
#include <vector>

#include "gtest/gtest.h"

namespace ddcrash {
namespace {

TEST(FakeProcessMemoryTest, ReadsRegionsAndStopsAtGaps) {
  FakeProcessMemory memory;
  memory.AddRegion(0x1000, std::vector<uint8_t>{1, 2, 3, 4});
  memory.AddRegion(0x1004, std::vector<uint8_t>{5, 6});  // adjacent: reads as one range
  memory.AddRegion(0x2000, "xyz");

  uint8_t out[8] = {};
  absl::StatusOr<size_t> n = memory.Read(0x1001, absl::MakeSpan(out));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 5u);  // short: runs into the gap at 0x1006
  EXPECT_EQ(out[0], 2);
  EXPECT_EQ(out[4], 6);

  EXPECT_FALSE(memory.Read(0x1006, absl::MakeSpan(out)).ok());
  EXPECT_TRUE(absl::IsOutOfRange(memory.Read(0x0, absl::MakeSpan(out)).status()));
  EXPECT_EQ(*memory.Read(0x2000, absl::MakeSpan(out, 0)), 0u);
  EXPECT_EQ(memory.read_count(), 4);
}

TEST(FakeProcessMemoryTest, NewerRegionsWin) {
  FakeProcessMemory memory;
  memory.AddRegion(0x1000, std::vector<uint8_t>(8, 0xaa));
  memory.AddRegion(0x1002, std::vector<uint8_t>{1, 2});
  uint8_t out[8] = {};
  ASSERT_EQ(*memory.Read(0x1000, absl::MakeSpan(out)), 8u);
  EXPECT_EQ(out[1], 0xaa);
  EXPECT_EQ(out[2], 1);
  EXPECT_EQ(out[3], 2);
  EXPECT_EQ(out[4], 0xaa);
}

TEST(FakeProcessMemoryTest, ValuesAndReadHelpers) {
  FakeProcessMemory memory;
  memory.AddValue<uint64_t>(0x7000, 0x1122334455667788);
  absl::StatusOr<uint64_t> value = memory.ReadValue<uint64_t>(0x7000);
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, 0x1122334455667788u);
  EXPECT_FALSE(memory.ReadValue<uint64_t>(0x7001).ok());  // runs off the end
}

TEST(FakeProcessMemoryTest, TopOfAddressSpaceDoesNotWrap) {
  FakeProcessMemory memory;
  memory.AddRegion(UINT64_MAX - 1, std::vector<uint8_t>{1, 2});
  memory.AddRegion(0, std::vector<uint8_t>{3, 4});
  uint8_t out[4] = {};
  absl::StatusOr<size_t> n = memory.Read(UINT64_MAX - 1, absl::MakeSpan(out));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2u);
}

}  // namespace
}  // namespace ddcrash
