#include "report/report_writer.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "report/report_reader.h"
#include "report/testing/sample_report.h"

namespace ddcrash {
namespace {

std::string MakeTempDir() {
  std::string dir = std::string(getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp") +
                    "/writer.XXXXXX";
  EXPECT_NE(mkdtemp(dir.data()), nullptr);
  return dir;
}

std::vector<std::string> ListDir(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = opendir(dir.c_str());
  while (dirent* entry = readdir(d)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  closedir(d);
  return names;
}

TEST(ReportWriterTest, WritesAReadableReportAndNoTemporaryFiles) {
  const std::string dir = MakeTempDir();
  const std::string path = dir + "/crash.pb";
  const Report report = SampleCrashReport();
  ASSERT_TRUE(WriteReportAtomically(report, path).ok());
  EXPECT_THAT(ListDir(dir), ::testing::ElementsAre("crash.pb"));
  absl::StatusOr<Report> read = ReadReportFile(path);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->SerializeAsString(), report.SerializeAsString());
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "reports hold process details: owner-only";
}

TEST(ReportWriterTest, ReplacesAnExistingFileWhole) {
  const std::string dir = MakeTempDir();
  const std::string path = dir + "/crash.pb";
  { std::ofstream(path) << "old contents that are not a report"; }
  ASSERT_TRUE(WriteReportAtomically(SampleCrashReport(), path).ok());
  EXPECT_TRUE(ReadReportFile(path).ok());
}

TEST(ReportWriterTest, MissingDirectoryIsAClearErrorAndLeavesNothing) {
  const std::string dir = MakeTempDir();
  absl::Status status = WriteReportAtomically(SampleCrashReport(), dir + "/missing/crash.pb");
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(std::string(status.message()), ::testing::HasSubstr("missing/crash.pb"));
  EXPECT_THAT(ListDir(dir), ::testing::IsEmpty());
}

TEST(ReportWriterTest, UnwritableDirectoryIsAClearError) {
  // /proc refuses new files even to root. (A full file system is tested end to end on a tiny
  // tmpfs: tests/dotnet_e2e faults suite.)
  absl::Status status = WriteReportAtomically(SampleCrashReport(), "/proc/ddcrash-test.pb");
  ASSERT_FALSE(status.ok());
  EXPECT_THAT(std::string(status.message()), ::testing::HasSubstr("/proc/ddcrash-test.pb"));
  EXPECT_NE(access("/proc/ddcrash-test.pb", F_OK), 0);
}

TEST(ReportWriterTest, UnsyncedCheckpointIsReplacedByTheFinalReport) {
  const std::string dir = MakeTempDir();
  const std::string path = dir + "/crash.pb";
  Report checkpoint = SampleCrashReport();
  checkpoint.clear_threads();
  ASSERT_TRUE(WriteReportAtomically(checkpoint, path, Durability::kUnsynced).ok());
  ASSERT_TRUE(ReadReportFile(path).ok());
  ASSERT_TRUE(WriteReportAtomically(SampleCrashReport(), path).ok());
  absl::StatusOr<Report> read = ReadReportFile(path);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->threads_size(), SampleCrashReport().threads_size());
  EXPECT_THAT(ListDir(dir), ::testing::ElementsAre("crash.pb"));
}

TEST(ReportWriterTest, WritingAtADirectoryDescriptorNeverFollowsASymlink) {
  const std::string dir = MakeTempDir();
  const std::string outside = MakeTempDir() + "/victim";
  { std::ofstream(outside) << "precious"; }
  ASSERT_EQ(symlink(outside.c_str(), (dir + "/crash.pb").c_str()), 0);
  const int dir_fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(dir_fd, 0);
  ASSERT_TRUE(WriteReportAtomicallyAt(SampleCrashReport(), dir_fd, "crash.pb", dir + "/crash.pb")
                  .ok());
  close(dir_fd);
  struct stat st;
  ASSERT_EQ(lstat((dir + "/crash.pb").c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));  // the link itself was replaced
  std::ifstream victim(outside);
  std::string text((std::istreambuf_iterator<char>(victim)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "precious");
  EXPECT_THAT(ListDir(dir), ::testing::ElementsAre("crash.pb"));
}

}  // namespace
}  // namespace ddcrash
