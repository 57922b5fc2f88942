#include "report/internal/keyed_value.h"

#include <random>
#include <string>

#include "gtest/gtest.h"
#include "re2/re2.h"

namespace ddcrash::report_internal {
namespace {

// The pattern FindKeyedValue stands for: the oracle of the differential test below.
const RE2& Pattern() {
  static const RE2* const re = new RE2("([?&]?)([A-Za-z_][A-Za-z0-9_.-]{0,127})[ \\t]*=[ \\t]*");
  return *re;
}

// Every match RE2 finds from every start position, compared with FindKeyedValue's.
void ExpectSameAsPattern(const std::string& text) {
  for (size_t pos = 0; pos <= text.size(); ++pos) {
    re2::StringPiece groups[3];
    const bool found =
        Pattern().Match(text, pos, text.size(), RE2::UNANCHORED, groups, 3);
    std::optional<KeyedValue> ours = FindKeyedValue(text, pos);
    ASSERT_EQ(found, ours.has_value()) << "text \"" << text << "\" from " << pos;
    if (!found) continue;
    const size_t begin = static_cast<size_t>(groups[0].data() - text.data());
    EXPECT_EQ(ours->begin, begin) << "text \"" << text << "\" from " << pos;
    EXPECT_EQ(ours->value, begin + groups[0].size()) << "text \"" << text << "\" from " << pos;
    EXPECT_EQ(ours->query, !groups[1].empty()) << "text \"" << text << "\" from " << pos;
    EXPECT_EQ(ours->name, absl::string_view(groups[2].data(), groups[2].size()))
        << "text \"" << text << "\" from " << pos;
  }
}

TEST(KeyedValueTest, FindsPairsAsThePatternDoes) {
  for (const char* text :
       {"PASSWORD=x", "a=b", "?token=1&x=2", "&key = v", "x = y=z", "9ab=c", "=v", " =v",
        "a b=c", "path=/usr/bin:/bin", "k==v", "Server=h;Password=p;", "-x=1", "._a=1",
        "no pairs here", "", "a\t=\tb", "?=x", "a?b=c", "q&&r=s"}) {
    ExpectSameAsPattern(text);
  }
  // Names at and past the bounded repetition.
  ExpectSameAsPattern(std::string(127, 'a') + "=v");
  ExpectSameAsPattern(std::string(128, 'a') + "=v");
  ExpectSameAsPattern("?" + std::string(130, 'b') + "=v");
  ExpectSameAsPattern(std::string(126, '1') + "xy=v");
  ExpectSameAsPattern(std::string(129, '1') + "_=v");
}

TEST(KeyedValueTest, RandomTextsMatchThePattern) {
  std::mt19937 random(7);
  const std::string alphabet = "ab_9.-=?& \t;x";
  for (int i = 0; i < 3000; ++i) {
    std::string text(random() % 24, ' ');
    for (char& c : text) c = alphabet[random() % alphabet.size()];
    ExpectSameAsPattern(text);
  }
}

}  // namespace
}  // namespace ddcrash::report_internal
