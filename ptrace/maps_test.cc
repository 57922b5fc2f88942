#include "ptrace/maps.h"

#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ddcrash {
namespace {

using ::testing::HasSubstr;

TEST(ParseMapsTest, ParsesEveryFormTheKernelPrints) {
  constexpr char kText[] =
      "55d441ed9000-55d441edb000 r--p 00000000 fe:00 247270                     /usr/bin/cat\n"
      "55d441edb000-55d441ee0000 r-xp 00002000 fe:00 247270                     /usr/bin/cat\n"
      "55d4684ab000-55d4684cc000 rw-p 00000000 00:00 0                          [heap]\n"
      "7f42e72dc000-7f42e72fe000 rw-p 00000000 00:00 0 \n"
      "7f42e72fe000-7f42e7300000 r-xs 1234567890abcdef 103:0a 18446744073709551615 "
      "/opt/My App/lib with spaces.so (deleted)\n"
      "7f42e7300000-7f42e7301000 rwxp 00000000 00:00 0\n"
      "7f42e7301000-7f42e7302000 ---p 00000000 00:05 42                         /memfd:doublemapper (deleted)\n"
      "7f42e7302000-7f42e7303000 r--p 00000000 00:00 0                          [anon:dotnet heap]\n"
      "7ffc1b2f0000-7ffc1b311000 rw-p 00000000 00:00 0                          [stack]\n"
      "7ffc1b3a6000-7ffc1b3aa000 r--p 00000000 00:00 0                          [vvar]\n"
      "7ffc1b3aa000-7ffc1b3ac000 r-xp 00000000 00:00 0                          [vdso]\n"
      "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n";
  absl::StatusOr<std::vector<Mapping>> maps = ParseMaps(kText);
  ASSERT_TRUE(maps.ok()) << maps.status();
  ASSERT_EQ(maps->size(), 12u);

  const Mapping& cat = (*maps)[1];
  EXPECT_EQ(cat.start, 0x55d441edb000u);
  EXPECT_EQ(cat.end, 0x55d441ee0000u);
  EXPECT_TRUE(cat.readable);
  EXPECT_FALSE(cat.writable);
  EXPECT_TRUE(cat.executable);
  EXPECT_FALSE(cat.shared);
  EXPECT_EQ(cat.file_offset, 0x2000u);
  EXPECT_EQ(cat.dev_major, 0xfeu);
  EXPECT_EQ(cat.dev_minor, 0u);
  EXPECT_EQ(cat.inode, 247270u);
  EXPECT_EQ(cat.path, "/usr/bin/cat");
  EXPECT_FALSE(cat.deleted);
  EXPECT_TRUE(cat.IsFileBacked());

  EXPECT_EQ((*maps)[2].path, "[heap]");
  EXPECT_FALSE((*maps)[2].IsFileBacked());

  const Mapping& anon = (*maps)[3];
  EXPECT_EQ(anon.path, "");
  EXPECT_EQ(anon.inode, 0u);
  EXPECT_TRUE(anon.writable);

  const Mapping& spaced = (*maps)[4];
  EXPECT_EQ(spaced.path, "/opt/My App/lib with spaces.so");
  EXPECT_TRUE(spaced.deleted);
  EXPECT_TRUE(spaced.shared);
  EXPECT_EQ(spaced.file_offset, 0x1234567890abcdefu);
  EXPECT_EQ(spaced.dev_major, 0x103u);
  EXPECT_EQ(spaced.dev_minor, 0xau);
  EXPECT_EQ(spaced.inode, 18446744073709551615u);

  EXPECT_EQ((*maps)[5].path, "");  // no padding at all after the inode
  EXPECT_TRUE((*maps)[5].executable);
  EXPECT_EQ((*maps)[6].path, "/memfd:doublemapper");
  EXPECT_TRUE((*maps)[6].deleted);
  EXPECT_FALSE((*maps)[6].readable);
  EXPECT_EQ((*maps)[7].path, "[anon:dotnet heap]");
  EXPECT_EQ((*maps)[8].path, "[stack]");
  EXPECT_EQ((*maps)[9].path, "[vvar]");
  EXPECT_EQ((*maps)[10].path, "[vdso]");
  EXPECT_EQ((*maps)[11].start, 0xffffffffff600000u);
  EXPECT_FALSE((*maps)[11].readable);
  EXPECT_TRUE((*maps)[11].executable);
}

TEST(ParseMapsTest, EmptyTextAndBlankLinesGiveNoMappings) {
  absl::StatusOr<std::vector<Mapping>> maps = ParseMaps("");
  ASSERT_TRUE(maps.ok());
  EXPECT_TRUE(maps->empty());
  maps = ParseMaps("\n\n  \n");
  ASSERT_TRUE(maps.ok());
  EXPECT_TRUE(maps->empty());
}

TEST(ParseMapsTest, PathKeepsInnerDeletedText) {
  absl::StatusOr<std::vector<Mapping>> maps =
      ParseMaps("1000-2000 r--p 00000000 08:01 5 /tmp/a (deleted) b\n");
  ASSERT_TRUE(maps.ok()) << maps.status();
  EXPECT_EQ((*maps)[0].path, "/tmp/a (deleted) b");
  EXPECT_FALSE((*maps)[0].deleted);
}

TEST(ParseMapsTest, MalformedLinesFailNamingTheLine) {
  struct Case {
    const char* line;
    const char* reason;
  };
  const Case kCases[] = {
      {"garbage", "bad start address"},
      {"1000 r--p 00000000 08:01 5", "bad start address"},
      {"1000-zz r--p 00000000 08:01 5", "bad end address"},
      {"2000-1000 r--p 00000000 08:01 5", "empty or inverted"},
      {"1000-1000 r--p 00000000 08:01 5", "empty or inverted"},
      {"1000-2000 r-- 00000000 08:01 5", "bad permissions"},
      {"1000-2000 rw-q 00000000 08:01 5", "bad permissions"},
      {"1000-2000 xwrp 00000000 08:01 5", "bad permissions"},
      {"1000-2000 r--p 0000g000 08:01 5", "bad offset"},
      {"1000-2000 r--p 00000000 0801 5", "bad device"},
      {"1000-2000 r--p 00000000 08:01 x", "bad inode"},
      {"1000-2000 r--p 00000000 08:01 5x /a", "bad inode"},
      {"1000-2000 r--p 00000000 08:01 99999999999999999999999", "bad inode"},
      {"10000000000000000-10000000000000001 r--p 0 0:0 0", "bad start address"},
      {"1000-2000 r--p", "bad permissions"},
      {"1000-2000 r--p 00000000", "bad offset"},
  };
  for (const Case& c : kCases) {
    // After a good first line, the bad one is reported as line 2.
    std::string text = std::string("0-1000 r--p 00000000 08:01 5 /ok\n") + c.line + "\n";
    absl::StatusOr<std::vector<Mapping>> maps = ParseMaps(c.line);
    EXPECT_EQ(maps.status().code(), absl::StatusCode::kInvalidArgument) << c.line;
    EXPECT_THAT(maps.status().message(), HasSubstr("line 1")) << c.line;
    EXPECT_THAT(maps.status().message(), HasSubstr(c.reason)) << c.line;
    maps = ParseMaps(text);
    EXPECT_THAT(maps.status().message(), HasSubstr("line 2")) << c.line;
  }
}

TEST(ParseMapsTest, OverlappingOrUnsortedMappingsFail) {
  absl::StatusOr<std::vector<Mapping>> maps = ParseMaps(
      "1000-3000 r--p 00000000 08:01 5 /a\n"
      "2000-4000 r--p 00000000 08:01 5 /a\n");
  EXPECT_THAT(maps.status().message(), HasSubstr("line 2: mapping overlaps"));
}

TEST(ParseMapsTest, ErrorQuotesLongLinesTruncatedAndEscaped) {
  std::string line = "\x01" + std::string(500, 'x');
  absl::StatusOr<std::vector<Mapping>> maps = ParseMaps(line);
  ASSERT_FALSE(maps.ok());
  EXPECT_THAT(maps.status().message(), HasSubstr("\\x01"));
  EXPECT_THAT(maps.status().message(), HasSubstr("..."));
  EXPECT_LT(maps.status().message().size(), 300u);
}

TEST(ParseMapsTest, ParsesOwnMaps) {
  FILE* f = fopen("/proc/self/maps", "r");
  ASSERT_NE(f, nullptr);
  std::string text;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), f)) > 0) text.append(buffer, n);
  fclose(f);
  absl::StatusOr<std::vector<Mapping>> maps = ParseMaps(text);
  ASSERT_TRUE(maps.ok()) << maps.status();
  bool found_stack = false;
  for (const Mapping& m : *maps) found_stack |= m.path == "[stack]";
  EXPECT_TRUE(found_stack);
}

}  // namespace
}  // namespace ddcrash
