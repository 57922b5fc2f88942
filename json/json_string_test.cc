#include "json/json_string.h"

#include <string>

#include "gtest/gtest.h"

namespace ddcrash {
namespace {

TEST(JsonStringTest, QuotesAndEscapes) {
  EXPECT_EQ(JsonString(""), "\"\"");
  EXPECT_EQ(JsonString("plain text"), "\"plain text\"");
  EXPECT_EQ(JsonString("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(JsonString("l1\nl2\r\t"), "\"l1\\nl2\\r\\t\"");
  EXPECT_EQ(JsonString("\x1b[31m\x7f"), "\"\\u001b[31m\\u007f\"");
  EXPECT_EQ(JsonString(std::string("a\0b", 3)), "\"a\\u0000b\"");
}

TEST(JsonStringTest, KeepsValidUtf8) {
  EXPECT_EQ(JsonString("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x92\xa5"),
            "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x92\xa5\"");
}

TEST(JsonStringTest, ReplacesInvalidUtf8) {
  const std::string replacement = "\xef\xbf\xbd";
  EXPECT_EQ(JsonString("\xff"), "\"" + replacement + "\"");
  EXPECT_EQ(JsonString("\xc3"), "\"" + replacement + "\"");              // cut sequence
  EXPECT_EQ(JsonString("\xc0\xaf"), "\"" + replacement + replacement + "\"");  // overlong
  EXPECT_EQ(JsonString("\xed\xa0\x80x"),                                 // surrogate
            "\"" + replacement + replacement + replacement + "x\"");
  EXPECT_EQ(JsonString("\xf4\x90\x80\x80"),                              // past U+10FFFF
            "\"" + replacement + replacement + replacement + replacement + "\"");
}

}  // namespace
}  // namespace ddcrash
