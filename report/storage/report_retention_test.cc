#include "report/storage/report_retention.h"

#include <dirent.h>
#include <sys/stat.h>
#include <utime.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ddcrash {
namespace {

std::set<std::string> List(const std::string& dir) {
  std::set<std::string> names;
  DIR* d = opendir(dir.c_str());
  while (dirent* e = readdir(d)) {
    if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") names.insert(e->d_name);
  }
  closedir(d);
  return names;
}

void Touch(const std::string& path, time_t mtime) {
  { std::ofstream(path) << "x"; }
  struct utimbuf times = {mtime, mtime};
  utime(path.c_str(), &times);
}

TEST(ReportRetentionTest, DeletesOldestReportsOnly) {
  std::string dir = std::string(getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp") + "/r";
  mkdir(dir.c_str(), 0700);
  Touch(dir + "/ddcrash.a.1.100.pb", 100);
  Touch(dir + "/ddcrash.a.2.300.pb", 300);
  Touch(dir + "/ddcrash.a.3.200.pb", 200);
  Touch(dir + "/ddcrash.a.4.400.pb", 400);
  Touch(dir + "/notes.txt", 1);
  Touch(dir + "/.ddcrash.a.5.500.pb.Ab12Cd", 1);                 // left by a killed reporter
  Touch(dir + "/.ddcrash.a.6.600.pb.Xy34Zw", time(nullptr) - 5);  // being written now
  Touch(dir + "/ddcrash.other.txt", 1);
  ASSERT_TRUE(PruneReports(dir, 2).ok());
  EXPECT_THAT(List(dir), ::testing::ElementsAre(".ddcrash.a.6.600.pb.Xy34Zw", "ddcrash.a.2.300.pb",
                                                "ddcrash.a.4.400.pb", "ddcrash.other.txt",
                                                "notes.txt"));
  // keep 0 makes room for one new report when DDCRASH_MAX_REPORTS is 1.
  ASSERT_TRUE(PruneReports(dir, 0).ok());
  EXPECT_THAT(List(dir), ::testing::ElementsAre(".ddcrash.a.6.600.pb.Xy34Zw", "ddcrash.other.txt",
                                                "notes.txt"));
  EXPECT_FALSE(PruneReports(dir + "/missing", 1).ok());
}

}  // namespace
}  // namespace ddcrash
