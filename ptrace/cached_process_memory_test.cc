#include "ptrace/cached_process_memory.h"

#include <cstdint>
#include <cstring>
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

TEST(CachedProcessMemoryTest, ClearFreesThePagesAndLaterReadsFillTheCacheAgain) {
  FakeProcessMemory fake;
  std::vector<uint8_t> bytes = Pattern(2 * kPage, 9);
  fake.AddRegion(0x10000, bytes);
  CachedProcessMemory cached(fake);
  ASSERT_TRUE(cached.ReadValue<uint64_t>(0x10008).ok());
  ASSERT_TRUE(cached.ReadValue<uint64_t>(0x10000 + kPage).ok());
  EXPECT_EQ(cached.cached_pages(), 2u);
  cached.Clear();
  EXPECT_EQ(cached.cached_pages(), 0u);
  // The last page used is forgotten too: the same address is read again, not served stale.
  absl::StatusOr<uint64_t> word = cached.ReadValue<uint64_t>(0x10000 + kPage);
  ASSERT_TRUE(word.ok());
  uint64_t expected = 0;
  std::memcpy(&expected, bytes.data() + kPage, sizeof expected);
  EXPECT_EQ(*word, expected);
  EXPECT_EQ(fake.read_count(), 3);
  EXPECT_EQ(cached.cached_pages(), 1u);
}

TEST(CachedProcessMemoryTest, HoldsAtMostMaxPagesDroppingTheLeastRecentlyUsed) {
  FakeProcessMemory fake;
  std::vector<uint8_t> bytes = Pattern(64 * kPage, 11);
  fake.AddRegion(0x100000, bytes);
  CachedProcessMemory cached(fake, 8);
  auto word_at = [&](uint64_t page) { return cached.ReadValue<uint64_t>(0x100000 + page * kPage); };
  for (uint64_t page = 0; page < 8; ++page) ASSERT_TRUE(word_at(page).ok());
  EXPECT_EQ(fake.read_count(), 8);
  ASSERT_TRUE(word_at(0).ok());  // page 0 is now the most recently used, page 1 the least
  ASSERT_TRUE(word_at(8).ok());  // drops page 1
  EXPECT_EQ(cached.cached_pages(), 8u);
  EXPECT_EQ(fake.read_count(), 9);
  ASSERT_TRUE(word_at(0).ok());
  EXPECT_EQ(fake.read_count(), 9);  // still cached
  ASSERT_TRUE(word_at(1).ok());
  EXPECT_EQ(fake.read_count(), 10);  // read again

  // A read larger than the cache: right bytes, in runs of a quarter of the cache, and the
  // cache still holds 8 pages.
  std::vector<uint8_t> out(40 * kPage);
  absl::StatusOr<size_t> n = cached.Read(0x100000 + 3 * kPage + 5, absl::MakeSpan(out));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, out.size());
  EXPECT_TRUE(std::equal(out.begin(), out.end(), bytes.begin() + 3 * kPage + 5));
  EXPECT_EQ(cached.cached_pages(), 8u);
  // Pages read again after being dropped come back with the right bytes.
  for (uint64_t page = 0; page < 64; ++page) {
    absl::StatusOr<uint64_t> word = word_at(page);
    ASSERT_TRUE(word.ok()) << page;
    uint64_t expected = 0;
    std::memcpy(&expected, bytes.data() + page * kPage, sizeof expected);
    EXPECT_EQ(*word, expected) << page;
  }
  EXPECT_EQ(cached.cached_pages(), 8u);
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
