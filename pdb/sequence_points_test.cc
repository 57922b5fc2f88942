#include "pdb/sequence_points.h"

#include <string>

#include "gtest/gtest.h"

namespace ddcrash::pdb {
namespace {

TEST(SequencePointsTest, DecodesFirstHiddenDocumentAndSignedDeltaRecords) {
  // LocalSignature 0, InitialDocument 1 (the method's Document column is 0), then:
  //   IL 0: lines 10..10, columns 5..9          (first non-hidden: unsigned start line/column)
  //   IL 3: hidden                               (delta lines 0, delta columns 0)
  //   document record: document 2
  //   IL 7: lines 8..9 (start 10-2), columns 4..7 (delta columns +3 signed, start column 5-1)
  const std::string blob("\x00\x01"
                         "\x00\x00\x04\x0a\x05"
                         "\x03\x00\x00"
                         "\x00\x02"
                         "\x04\x01\x06\x7d\x7f",
                         17);
  absl::StatusOr<std::vector<SequencePoint>> points = DecodeSequencePoints(blob, 0, 2);
  ASSERT_TRUE(points.ok()) << points.status();
  ASSERT_EQ(points->size(), 3u);
  EXPECT_EQ((*points)[0], (SequencePoint{0, 10, 5, 10, 9, 1}));
  EXPECT_TRUE((*points)[1].hidden());
  EXPECT_EQ((*points)[1].il_offset, 3u);
  EXPECT_EQ((*points)[1].document, 1u);
  EXPECT_EQ((*points)[2], (SequencePoint{7, 8, 4, 9, 7, 2}));
}

TEST(SequencePointsTest, RejectsBrokenRules) {
  // A document outside the table.
  EXPECT_FALSE(DecodeSequencePoints(std::string("\x00\x00\x00\x04\x0a\x05", 6), 3, 2).ok());
  // Truncated record.
  EXPECT_FALSE(DecodeSequencePoints(std::string("\x00\x00\x01", 3), 1, 1).ok());
  // The hidden line as a real start line (0xfeefee, 4-byte encoding).
  EXPECT_FALSE(
      DecodeSequencePoints(std::string("\x00\x00\x00\x01\xc0\xfe\xef\xee\x01", 9), 1, 1).ok());
  // A negative start column through a signed delta.
  EXPECT_FALSE(DecodeSequencePoints(
                   std::string("\x00\x00\x00\x01\x0a\x01\x01\x00\x01\x00\x7d", 11), 1, 1)
                   .ok());
  // Header only: no record.
  EXPECT_FALSE(DecodeSequencePoints(std::string("\x00", 1), 1, 1).ok());
}

}  // namespace
}  // namespace ddcrash::pdb
