#include "dac/internal/utf16.h"

#include "gtest/gtest.h"

namespace ddcrash::dac {
namespace {

TEST(Utf16, RoundTripsAsciiAndBeyond) {
  const std::string text = "Ddcrash.TestApp.Parker.ParkHere \xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
  std::u16string wide = Utf8ToUtf16(text);
  EXPECT_EQ(wide.size(), 32u + 1 + 1 + 2);
  EXPECT_EQ(Utf16ToUtf8(wide), text);
}

TEST(Utf16, LoneSurrogatesBecomeReplacement) {
  std::u16string bad = {u'a', static_cast<char16_t>(0xD800), u'b', static_cast<char16_t>(0xDC00)};
  EXPECT_EQ(Utf16ToUtf8(bad), "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
}

TEST(Utf16, InvalidUtf8BecomesReplacement) {
  std::u16string out = Utf8ToUtf16(std::string("a\xFF\xC3", 3));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[1], 0xFFFD);
  EXPECT_EQ(out[2], 0xFFFD);
}

TEST(Utf16, LengthIsBounded) {
  const char16_t text[] = u"libcoreclr.so";
  EXPECT_EQ(Utf16Length(text, 100), 13u);
  EXPECT_EQ(Utf16Length(text, 4), 4u);
  EXPECT_EQ(Utf16Length(nullptr, 4), 0u);
}

}  // namespace
}  // namespace ddcrash::dac
