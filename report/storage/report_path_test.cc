#include "report/storage/report_path.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ddcrash {
namespace {

using ::testing::HasSubstr;

// A throwaway uid with no passwd entry: "another user" for planted directories.
constexpr uid_t kOtherUid = 12345;

std::string TempRoot() {
  std::string dir = std::string(getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp") +
                    "/report_path.XXXXXX";
  EXPECT_NE(mkdtemp(dir.data()), nullptr);
  return dir;
}

TEST(ReportPathTest, NameFollowsThePattern) {
  const absl::Time t = absl::FromUnixSeconds(1700000000);
  EXPECT_EQ(ReportFileName("/app/My App", 42, t), "ddcrash.My_App.42.1700000000.pb");
  EXPECT_EQ(ReportFileName("", 1, absl::FromUnixSeconds(5)), "ddcrash.unknown.1.5.pb");
  EXPECT_EQ(ReportFileName("/x/..", 1, absl::FromUnixSeconds(5)), "ddcrash.unknown.1.5.pb");
  EXPECT_EQ(ReportFileName("dotnet", 7, absl::FromUnixSeconds(9)), "ddcrash.dotnet.7.9.pb");
}

TEST(ReportPathTest, LongExecutableNamesAreCutUniquelyInTheFileName) {
  const std::string a = "/opt/app/" + std::string(240, 'a');
  const std::string b = "/opt/app/" + std::string(239, 'a') + "b";
  const std::string name_a = ReportFileName(a, 4194304, absl::FromUnixSeconds(1700000000));
  const std::string name_b = ReportFileName(b, 4194304, absl::FromUnixSeconds(1700000000));
  EXPECT_LE(name_a.size(), 160u);
  EXPECT_NE(name_a, name_b);
  EXPECT_EQ(ExeNameForFile(a).size(), kMaxExeNameInFileName);
  EXPECT_EQ(ExeNameForFile(a), ExeNameForFile(a));  // stable: counted per executable
  std::optional<ReportFileNameParts> parts = ParseReportFileName(name_a);
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->exe, ExeNameForFile(a));
  EXPECT_EQ(parts->pid, 4194304);
  // The file can really be created under that name.
  const std::string root = TempRoot();
  const int fd = open((root + "/" + name_a).c_str(), O_CREAT | O_WRONLY, 0600);
  EXPECT_GE(fd, 0) << strerror(errno);
  close(fd);
}

TEST(ReportPathTest, ParsesOnlyNamesItMakes) {
  std::optional<ReportFileNameParts> parts = ParseReportFileName("ddcrash.my.app.42.1700000000.pb");
  ASSERT_TRUE(parts.has_value());
  EXPECT_EQ(parts->exe, "my.app");
  EXPECT_EQ(parts->pid, 42);
  EXPECT_EQ(parts->unix_seconds, 1700000000);
  for (const char* name :
       {"ddcrash.a.1.pb", "ddcrash.a.x.1.pb", "ddcrash.a.1.x.pb", "ddcrash..1.1.pb",
        "ddcrash.a b.1.1.pb", "ddcrash.a.1.1.pb.tmp", "ddcrash.a.0.1.pb", "notes.txt",
        ".ddcrash.a.1.1.pb.abcdef", "ddcrash.important.pb", "ddcrash.a.01.5.pb",
        "ddcrash...1.1.pb", "ddcrash.a.1.-5.pb"}) {
    EXPECT_FALSE(ParseReportFileName(name).has_value()) << name;
  }
}

TEST(ReportPathTest, TheDefaultDirectoryIsPerUser) {
  EXPECT_EQ(DefaultReportDirectory(), absl::StrCat("/tmp/ddcrash-", geteuid()));
}

TEST(ReportPathTest, CreatesNestedDirectories0700AndRejectsFiles) {
  const std::string root = TempRoot();
  const std::string nested = root + "/a/b/c";
  absl::StatusOr<int> fd = OpenReportDirectory(nested);
  ASSERT_TRUE(fd.ok()) << fd.status();
  close(*fd);
  struct stat st;
  ASSERT_EQ(stat(nested.c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  fd = OpenReportDirectory(nested);
  ASSERT_TRUE(fd.ok()) << fd.status();
  close(*fd);
  const std::string file = root + "/plainfile";
  { std::ofstream(file) << "x"; }
  EXPECT_FALSE(OpenReportDirectory(file).ok());
  EXPECT_FALSE(OpenReportDirectory(file + "/sub").ok());
}

TEST(ReportPathTest, RefusesADirectoryAnotherUserPlanted) {
  const std::string planted = TempRoot() + "/ddcrash-0";
  ASSERT_EQ(mkdir(planted.c_str(), 0700), 0);
  ASSERT_EQ(chown(planted.c_str(), kOtherUid, kOtherUid), 0) << "tests run as root";
  absl::StatusOr<int> fd = OpenReportDirectory(planted);
  ASSERT_FALSE(fd.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(fd.status()));
  EXPECT_THAT(std::string(fd.status().message()),
              HasSubstr(absl::StrCat("owned by uid ", kOtherUid)));
}

TEST(ReportPathTest, RefusesASymlinkEvenToOurOwnDirectory) {
  const std::string root = TempRoot();
  const std::string target = root + "/target";
  ASSERT_EQ(mkdir(target.c_str(), 0700), 0);
  ASSERT_EQ(symlink(target.c_str(), (root + "/link").c_str()), 0);
  absl::StatusOr<int> fd = OpenReportDirectory(root + "/link");
  ASSERT_FALSE(fd.ok());
  EXPECT_THAT(std::string(fd.status().message()), HasSubstr("symbolic link"));
}

TEST(ReportPathTest, RefusesADirectoryOthersCanWrite) {
  const std::string root = TempRoot();
  for (mode_t mode : {01777, 0770, 0702}) {
    const std::string dir = absl::StrCat(root, "/shared", mode);
    ASSERT_EQ(mkdir(dir.c_str(), 0700), 0);
    ASSERT_EQ(chmod(dir.c_str(), mode), 0);
    absl::StatusOr<int> fd = OpenReportDirectory(dir);
    ASSERT_FALSE(fd.ok()) << mode;
    EXPECT_THAT(std::string(fd.status().message()), HasSubstr("writable by group or others"));
  }
  const std::string readable = root + "/readable";
  ASSERT_EQ(mkdir(readable.c_str(), 0755), 0);
  absl::StatusOr<int> fd = OpenReportDirectory(readable);
  ASSERT_TRUE(fd.ok()) << fd.status();
  close(*fd);
}

}  // namespace
}  // namespace ddcrash
