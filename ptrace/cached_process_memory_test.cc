#include "ptrace/cached_process_memory.h"

#include <cstdint>
#include <vector>

#include "gtest/gtest.h"
#include "ptrace/fake_process_memory.h"

namespace ddcrash {
namespace {

constexpr uint64_t kPage = CachedProcessMemory::kPageSize;

std::vector<uint8_t> Pattern(size_t size, uint8_t seed) {
  std::vector<uint8_t> bytes(size);
  for (size_t i = 0; i < size; ++i) bytes[i] = static_cast<uint8_t>(seed + i * 7);
  return bytes;
}

TEST(CachedProcessMemoryTest, SmallReadsCostOneUnderlyingReadPerPage) {
  FakeProcessMemory fake;
  fake.AddRegion(0x10000, Pattern(2 * kPage, 1));
  CachedProcessMemory cached(fake);
  for (uint64_t address = 0x10000; address < 0x10000 + 2 * kPage; address += 8) {
    absl::StatusOr<uint64_t> word = cached.ReadValue<uint64_t>(address);
    ASSERT_TRUE(word.ok()) << address;
  }
  EXPECT_EQ(fake.read_count(), 2);
  EXPECT_EQ(cached.cached_pages(), 2u);
}

TEST(CachedProcessMemoryTest, SameBytesAsUnderlyingAcrossPages) {
  FakeProcessMemory fake;
  std::vector<uint8_t> bytes = Pattern(5 * kPage, 3);
  fake.AddRegion(0x20000, bytes);
  CachedProcessMemory cached(fake);
  std::vector<uint8_t> out(2 * kPage + 100);
  absl::StatusOr<size_t> n = cached.Read(0x20000 + kPage - 50, absl::MakeSpan(out));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, out.size());
  EXPECT_TRUE(std::equal(out.begin(), out.end(), bytes.begin() + kPage - 50));
  EXPECT_EQ(fake.read_count(), 1);  // the four pages touched, in one batch

  // Again, now partly cached: only the missing page is read.
  std::vector<uint8_t> all(5 * kPage);
  n = cached.Read(0x20000, absl::MakeSpan(all));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, all.size());
  EXPECT_EQ(all, bytes);
  EXPECT_EQ(fake.read_count(), 2);
}

TEST(CachedProcessMemoryTest, ReadsRunningIntoUnmappedPagesAreShort) {
  FakeProcessMemory fake;
  fake.AddRegion(0x30000, Pattern(kPage, 5));
  CachedProcessMemory cached(fake);
  std::vector<uint8_t> out(kPage);
  absl::StatusOr<size_t> n = cached.Read(0x30000 + kPage - 16, absl::MakeSpan(out));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 16u);
}

TEST(CachedProcessMemoryTest, UnreadablePagesAreCachedAsFailures) {
  FakeProcessMemory fake;
  CachedProcessMemory cached(fake);
  uint8_t out[8];
  EXPECT_TRUE(absl::IsOutOfRange(cached.Read(0x40000, absl::MakeSpan(out)).status()));
  EXPECT_FALSE(cached.Read(0x40008, absl::MakeSpan(out)).ok());
  EXPECT_FALSE(cached.ReadValue<uint32_t>(0x40ffc).ok());
  EXPECT_EQ(fake.read_count(), 1);
}

TEST(CachedProcessMemoryTest, PartlyReadablePage) {
  FakeProcessMemory fake;
  fake.AddRegion(0x50000, Pattern(100, 9));
  CachedProcessMemory cached(fake);
  uint8_t out[64];
  absl::StatusOr<size_t> n = cached.Read(0x50000 + 80, absl::MakeSpan(out));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 20u);
  EXPECT_FALSE(cached.Read(0x50000 + 100, absl::MakeSpan(out)).ok());
  EXPECT_EQ(fake.read_count(), 1);
}

TEST(CachedProcessMemoryTest, TopOfAddressSpace) {
  FakeProcessMemory fake;
  fake.AddRegion(UINT64_MAX - kPage + 1, Pattern(kPage, 2));
  CachedProcessMemory cached(fake);
  uint8_t out[64];
  absl::StatusOr<size_t> n = cached.Read(UINT64_MAX - 9, absl::MakeSpan(out));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 10u);
  EXPECT_EQ(*cached.Read(0, absl::MakeSpan(out, 0)), 0u);
}

}  // namespace
}  // namespace ddcrash
