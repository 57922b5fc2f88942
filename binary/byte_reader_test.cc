#include "binary/byte_reader.h"

#include "gtest/gtest.h"

namespace ddcrash::binary {
namespace {

TEST(ByteReaderTest, ReadsLittleEndian) {
  ByteReader r(absl::string_view("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f", 15));
  EXPECT_EQ(r.U8(), 0x01);
  EXPECT_EQ(r.U16(), 0x0302);
  EXPECT_EQ(r.U32(), 0x07060504u);
  EXPECT_EQ(r.U64(), 0x0f0e0d0c0b0a0908ull);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(ByteReaderTest, ReadPastEndLatchesErrorAndReturnsZero) {
  ByteReader r(absl::string_view("\x01\x02\x03", 3));
  EXPECT_EQ(r.U32(), 0u);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.U8(), 0u);  // stays failed even though bytes remain
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(ByteReaderTest, SeekAndBytesStayInside) {
  ByteReader r(absl::string_view("abcdef", 6));
  r.Seek(4);
  EXPECT_EQ(r.Bytes(2), "ef");
  EXPECT_TRUE(r.ok());
  r.Seek(7);
  EXPECT_FALSE(r.ok());
}

TEST(SliceTest, ChecksBoundsWithoutOverflow) {
  absl::string_view data("0123456789");
  EXPECT_EQ(*Slice(data, 2, 3, "x"), "234");
  EXPECT_EQ(*Slice(data, 10, 0, "x"), "");
  EXPECT_FALSE(Slice(data, 11, 0, "x").ok());
  EXPECT_FALSE(Slice(data, 5, ~0ull, "x").ok());
  EXPECT_FALSE(Slice(data, ~0ull, 1, "x").ok());
}

}  // namespace
}  // namespace ddcrash::binary
