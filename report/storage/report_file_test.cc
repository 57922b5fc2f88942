#include "report/storage/report_file.h"

#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "report/report_reader.h"
#include "report/testing/sample_report.h"

namespace ddcrash {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string MakeTempDir() {
  std::string dir = std::string(getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp") +
                    "/report_file.XXXXXX";
  EXPECT_NE(mkdtemp(dir.data()), nullptr);
  return dir;
}

std::vector<std::string> ListDir(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return names;
  while (dirent* entry = readdir(d)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

TEST(ReportFileTest, CheckpointsAndTheFinalReportShareOneNewPath) {
  const std::string dir = MakeTempDir() + "/reports";
  const Report report = SampleCrashReport();
  ReportFile file("", dir, 50, absl::FromUnixSeconds(1700000000));
  EXPECT_EQ(file.path(), "");

  Report checkpoint = report;
  checkpoint.clear_threads();
  file.WriteCheckpoint(checkpoint);
  ASSERT_TRUE(file.has_checkpoint());
  const std::string expected =
      absl::StrCat(dir, "/ddcrash.", report.process().exe().substr(
                                         report.process().exe().rfind('/') + 1),
                   ".", report.process().pid(), ".1700000000.pb");
  EXPECT_EQ(file.path(), expected);
  absl::StatusOr<Report> read = ReadReportFile(expected);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->threads_size(), 0);

  absl::StatusOr<std::string> final_path = file.WriteFinal(report);
  ASSERT_TRUE(final_path.ok()) << final_path.status();
  EXPECT_EQ(*final_path, expected);
  read = ReadReportFile(expected);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->threads_size(), report.threads_size());
  EXPECT_EQ(ListDir(dir).size(), 1u);
}

TEST(ReportFileTest, ExplicitPathIsUsedAsIs) {
  const std::string dir = MakeTempDir();
  ReportFile file(dir + "/mine.pb", dir + "/unused", 50, absl::Now());
  absl::StatusOr<std::string> path = file.WriteFinal(SampleCrashReport());
  ASSERT_TRUE(path.ok()) << path.status();
  EXPECT_EQ(*path, dir + "/mine.pb");
  EXPECT_THAT(ListDir(dir), ElementsAre("mine.pb"));
}

TEST(ReportFileTest, OneReportKeptMeansTheOldOneMakesRoom) {
  const std::string dir = MakeTempDir();
  const Report report = SampleCrashReport();
  {
    ReportFile older("", dir, 0, absl::FromUnixSeconds(1600000000));
    ASSERT_TRUE(older.WriteFinal(report).ok());
  }
  ReportFile file("", dir, 1, absl::FromUnixSeconds(1700000000));
  ASSERT_TRUE(file.WriteFinal(SampleCrashReport()).ok());
  const std::vector<std::string> names = ListDir(dir);
  ASSERT_EQ(names.size(), 1u);
  EXPECT_THAT(names[0], HasSubstr(".1700000000.pb"));
}

TEST(ReportFileTest, UnwritableDirectoryFailsTheFinalWriteWithTheReason) {
  // /proc accepts no new directories or files, even from root.
  ReportFile file("", "/proc/ddcrash-reports", 50, absl::Now());
  file.WriteCheckpoint(SampleCrashReport());
  EXPECT_FALSE(file.has_checkpoint());
  absl::StatusOr<std::string> path = file.WriteFinal(SampleCrashReport());
  ASSERT_FALSE(path.ok());
  EXPECT_THAT(std::string(path.status().message()), HasSubstr("/proc/ddcrash-reports"));
}

TEST(ReportFileTest, APlantedSymlinkIsNeitherWrittenThroughNorPruned) {
  const std::string dir = MakeTempDir();
  const std::string target = dir + "/someone-elses";
  ASSERT_EQ(mkdir(target.c_str(), 0700), 0);
  {
    ReportFile theirs("", target, 0, absl::FromUnixSeconds(1600000000));
    ASSERT_TRUE(theirs.WriteFinal(SampleCrashReport()).ok());
  }
  ASSERT_EQ(symlink(target.c_str(), (dir + "/reports").c_str()), 0);
  ReportFile file("", dir + "/reports", 1, absl::FromUnixSeconds(1700000000));
  file.WriteCheckpoint(SampleCrashReport());
  EXPECT_FALSE(file.has_checkpoint());
  absl::StatusOr<std::string> path = file.WriteFinal(SampleCrashReport());
  ASSERT_FALSE(path.ok());
  EXPECT_THAT(std::string(path.status().message()), HasSubstr("symbolic link"));
  EXPECT_EQ(ListDir(target).size(), 1u);
}

TEST(ReportFileTest, ADirectoryOwnedByAnotherUserIsRefused) {
  const std::string dir = MakeTempDir() + "/ddcrash-0";
  ASSERT_EQ(mkdir(dir.c_str(), 0700), 0);
  ASSERT_EQ(chown(dir.c_str(), 12345, 12345), 0) << "tests run as root";
  ReportFile file("", dir, 50, absl::Now());
  absl::StatusOr<std::string> path = file.WriteFinal(SampleCrashReport());
  ASSERT_FALSE(path.ok());
  EXPECT_THAT(std::string(path.status().message()), HasSubstr("owned by uid 12345"));
  EXPECT_THAT(ListDir(dir), ElementsAre());
}

TEST(ReportFileTest, ADiscardedCheckpointLeavesNothing) {
  const std::string dir = MakeTempDir();
  ReportFile file("", dir, 50, absl::Now());
  file.WriteCheckpoint(SampleCrashReport());
  ASSERT_TRUE(file.has_checkpoint());
  EXPECT_EQ(ListDir(dir).size(), 1u);
  file.DiscardCheckpoint();
  EXPECT_FALSE(file.has_checkpoint());
  EXPECT_THAT(ListDir(dir), ElementsAre());
}

TEST(ReportFileTest, ALongExecutableNameIsCutInTheFileNameOnly) {
  const std::string dir = MakeTempDir();
  Report report = SampleCrashReport();
  const std::string exe = "/opt/app/" + std::string(240, 'x');
  report.mutable_process()->set_exe(exe);
  ReportFile file("", dir, 50, absl::Now());
  absl::StatusOr<std::string> path = file.WriteFinal(report);
  ASSERT_TRUE(path.ok()) << path.status();
  const std::vector<std::string> names = ListDir(dir);
  ASSERT_EQ(names.size(), 1u);
  EXPECT_LT(names[0].size(), 200u);
  absl::StatusOr<Report> read = ReadReportFile(*path);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->process().exe(), exe);
}

}  // namespace
}  // namespace ddcrash
