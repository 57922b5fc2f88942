#include "elf/byte_reader.h"

#include "gtest/gtest.h"

namespace ddcrash::elf_internal {
namespace {

TEST(ByteReaderTest, ReadsLittleEndianAndStopsAtEnd) {
  const uint8_t bytes[] = {0x01, 0x02, 0x03, 0x04, 0x05};
  ByteReader reader(bytes, sizeof(bytes));
  EXPECT_EQ(reader.Read<uint32_t>(), 0x04030201u);
  EXPECT_FALSE(reader.Read<uint32_t>().has_value());
  EXPECT_EQ(reader.offset(), 4u);  // a failed read does not move
  EXPECT_EQ(reader.Read<uint8_t>(), 5);
  EXPECT_FALSE(reader.Skip(1));
  EXPECT_FALSE(reader.Seek(6));
}

TEST(ByteReaderTest, Leb128) {
  const uint8_t u[] = {0xe5, 0x8e, 0x26};
  ByteReader r1(u, sizeof(u));
  EXPECT_EQ(r1.ReadUleb128(), 624485u);
  const uint8_t s[] = {0xc0, 0xbb, 0x78};
  ByteReader r2(s, sizeof(s));
  EXPECT_EQ(r2.ReadSleb128(), -123456);
  const uint8_t truncated[] = {0x80, 0x80};
  ByteReader r3(truncated, sizeof(truncated));
  EXPECT_FALSE(r3.ReadUleb128().has_value());
  EXPECT_EQ(r3.offset(), 0u);
  std::vector<uint8_t> endless(100, 0x80);
  endless.push_back(0);
  ByteReader r4(endless.data(), endless.size());
  EXPECT_FALSE(r4.ReadUleb128().has_value());
}

TEST(ByteReaderTest, RangeAndStrings) {
  EXPECT_TRUE(RangeWithin(0, 10, 10));
  EXPECT_FALSE(RangeWithin(1, 10, 10));
  EXPECT_FALSE(RangeWithin(UINT64_MAX, 2, 10));
  EXPECT_FALSE(RangeWithin(5, UINT64_MAX, 10));
  std::string_view table("\0abc\0de", 7);
  EXPECT_EQ(StringAt(table, 1), "abc");
  EXPECT_EQ(StringAt(table, 0), "");
  EXPECT_FALSE(StringAt(table, 5).has_value());  // no terminator
  EXPECT_FALSE(StringAt(table, 100).has_value());
}

}  // namespace
}  // namespace ddcrash::elf_internal
