#include "report/utf8.h"

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"

namespace ddcrash {
namespace {

TEST(Utf8Test, ValidSequences) {
  EXPECT_EQ(Utf8SequenceLength("\xc3\xa9", 0), 2u);          // é
  EXPECT_EQ(Utf8SequenceLength("\xe2\x9c\x93", 0), 3u);      // ✓
  EXPECT_EQ(Utf8SequenceLength("\xf0\x9f\x98\x80", 0), 4u);  // U+1F600
  EXPECT_EQ(Utf8SequenceLength("a\xc3\xa9", 1), 2u);
}

TEST(Utf8Test, InvalidSequences) {
  for (absl::string_view bad : {"a", "\x80", "\xc0\xaf", "\xc1\xbf", "\xe0\x80\xaf",
                                "\xed\xa0\x80", "\xf0\x80\x80\xaf", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80",
                                "\xc3", "\xe2\x9c", "\xc3\x28"}) {
    EXPECT_EQ(Utf8SequenceLength(bad, 0), 0u) << absl::CHexEscape(bad);
  }
}

}  // namespace
}  // namespace ddcrash
