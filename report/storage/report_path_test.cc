#include "report/storage/report_path.h"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>

#include "gtest/gtest.h"

namespace ddcrash {
namespace {

TEST(ReportPathTest, NameFollowsThePattern) {
  EXPECT_EQ(ReportPathFor("/var/crash", "/app/My App", 42, absl::FromUnixSeconds(1700000000)),
            "/var/crash/ddcrash.My_App.42.1700000000.pb");
  EXPECT_EQ(ReportPathFor("/d", "", 1, absl::FromUnixSeconds(5)), "/d/ddcrash.unknown.1.5.pb");
  EXPECT_EQ(ReportPathFor("/d", "/x/..", 1, absl::FromUnixSeconds(5)), "/d/ddcrash.unknown.1.5.pb");
  EXPECT_EQ(ReportPathFor("/d", "dotnet", 7, absl::FromUnixSeconds(9)), "/d/ddcrash.dotnet.7.9.pb");
}

TEST(ReportPathTest, CreatesNestedDirectoriesAndRejectsFiles) {
  const std::string root = std::string(getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp");
  const std::string nested = root + "/a/b/c";
  ASSERT_TRUE(EnsureDirectory(nested).ok());
  struct stat st;
  ASSERT_EQ(stat(nested.c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_TRUE(EnsureDirectory(nested).ok());
  const std::string file = root + "/plainfile";
  { std::ofstream(file) << "x"; }
  EXPECT_FALSE(EnsureDirectory(file).ok());
  EXPECT_FALSE(EnsureDirectory(file + "/sub").ok());
}

}  // namespace
}  // namespace ddcrash
