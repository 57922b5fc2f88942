#include "metadata/compressed_integer.h"

#include <string>

#include "gtest/gtest.h"

namespace ddcrash::metadata {
namespace {

uint32_t Unsigned(const std::string& bytes) {
  binary::ByteReader r(bytes);
  absl::StatusOr<uint32_t> v = ReadCompressedUnsigned(r);
  EXPECT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(r.remaining(), 0u);
  return v.value_or(~0u);
}

int32_t Signed(const std::string& bytes) {
  binary::ByteReader r(bytes);
  absl::StatusOr<int32_t> v = ReadCompressedSigned(r);
  EXPECT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(r.remaining(), 0u);
  return v.value_or(0x7fffffff);
}

// The examples of ECMA-335 II.23.2.
TEST(CompressedIntegerTest, UnsignedExamplesOfTheStandard) {
  EXPECT_EQ(Unsigned("\x03"), 0x03u);
  EXPECT_EQ(Unsigned("\x7f"), 0x7fu);
  EXPECT_EQ(Unsigned("\x80\x80"), 0x80u);
  EXPECT_EQ(Unsigned("\xae\x57"), 0x2e57u);
  EXPECT_EQ(Unsigned("\xbf\xff"), 0x3fffu);
  EXPECT_EQ(Unsigned(std::string("\xc0\x00\x40\x00", 4)), 0x4000u);
  EXPECT_EQ(Unsigned("\xdf\xff\xff\xff"), 0x1fffffffu);
}

TEST(CompressedIntegerTest, SignedExamplesOfTheStandard) {
  EXPECT_EQ(Signed("\x06"), 3);
  EXPECT_EQ(Signed("\x7b"), -3);
  EXPECT_EQ(Signed("\x80\x80"), 64);
  EXPECT_EQ(Signed("\x01"), -64);
  EXPECT_EQ(Signed(std::string("\xc0\x00\x40\x00", 4)), 8192);
  EXPECT_EQ(Signed("\x80\x01"), -8192);
  EXPECT_EQ(Signed("\xdf\xff\xff\xfe"), 268435455);
  EXPECT_EQ(Signed(std::string("\xc0\x00\x00\x01", 4)), -268435456);
}

TEST(CompressedIntegerTest, RejectsTruncatedAndReservedEncodings) {
  for (const std::string& bad : {std::string(), std::string("\x80"), std::string("\xc0\x00"),
                                 std::string("\xe0\x00\x00\x00", 4)}) {
    binary::ByteReader r(bad);
    EXPECT_FALSE(ReadCompressedUnsigned(r).ok());
    binary::ByteReader s(bad);
    EXPECT_FALSE(ReadCompressedSigned(s).ok());
  }
}

}  // namespace
}  // namespace ddcrash::metadata
