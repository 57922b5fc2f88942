#include "otlp/otlp_spool.h"

#include <stdlib.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "report/testing/sample_report.h"

namespace ddcrash {
namespace {

OtlpLogOptions Options() {
  OtlpLogOptions options;
  options.report_path = "/r/report.pb";
  options.scope_version = "test";
  options.observed = absl::FromUnixSeconds(1764000100);
  return options;
}

TEST(OtlpSpoolTest, OneCompleteFilePerReportNamedLikeTheReport) {
  const std::string dir = absl::StrCat(getenv("TEST_TMPDIR"), "/spool/new");  // created, parents too
  const Report report = SampleCrashReport();
  absl::StatusOr<std::string> path = WriteOtlpSpoolFile(dir, report, Options(), 0);
  ASSERT_TRUE(path.ok()) << path.status();
  EXPECT_EQ(*path, dir + "/ddcrash.App.4242.1764000000.json");
  std::ifstream in(*path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), ReportToOtlpJsonLine(report, Options()));
  struct stat st;
  ASSERT_EQ(stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(stat(path->c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

// DDCRASH_MAX_REPORTS for the spool: the oldest records of the same executable go, nothing else.
TEST(OtlpSpoolTest, KeepsAtMostMaxFilesOfTheExecutable) {
  const std::string dir = absl::StrCat(getenv("TEST_TMPDIR"), "/spool/bounded");
  Report report = SampleCrashReport();
  std::vector<std::string> written;
  for (int i = 0; i < 4; ++i) {
    report.mutable_process()->set_pid(100 + i);
    absl::StatusOr<std::string> path = WriteOtlpSpoolFile(dir, report, Options(), 0);
    ASSERT_TRUE(path.ok()) << path.status();
    struct timespec times[2] = {{1000 + i, 0}, {1000 + i, 0}};  // oldest first
    ASSERT_EQ(utimensat(AT_FDCWD, path->c_str(), times, 0), 0);
    written.push_back(*path);
  }
  Report other = SampleCrashReport();
  other.mutable_process()->set_exe("/usr/bin/other");
  ASSERT_TRUE(WriteOtlpSpoolFile(dir, other, Options(), 0).ok());
  std::ofstream(dir + "/ddcrash.App.1.1.json") << "not a record";  // our name, not our content

  report.mutable_process()->set_pid(200);
  ASSERT_TRUE(WriteOtlpSpoolFile(dir, report, Options(), 3).ok());
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{
                       "ddcrash.App.1.1.json", "ddcrash.App.102.1764000000.json",
                       "ddcrash.App.103.1764000000.json", "ddcrash.App.200.1764000000.json",
                       "ddcrash.other.4242.1764000000.json"}));
}

TEST(OtlpSpoolTest, PlantedLinkAndOpenDirectoryRefused) {
  const std::string base = absl::StrCat(getenv("TEST_TMPDIR"), "/planted");
  mkdir(base.c_str(), 0700);
  const std::string target = base + "/elsewhere";
  mkdir(target.c_str(), 0700);
  const std::string link = base + "/spool";
  ASSERT_EQ(symlink(target.c_str(), link.c_str()), 0);
  EXPECT_FALSE(WriteOtlpSpoolFile(link, SampleCrashReport(), Options(), 0).ok());

  const std::string open_dir = base + "/world-writable";
  mkdir(open_dir.c_str(), 0777);
  chmod(open_dir.c_str(), 0777);
  absl::StatusOr<std::string> refused = WriteOtlpSpoolFile(open_dir, SampleCrashReport(), Options(), 0);
  EXPECT_FALSE(refused.ok());
}

}  // namespace
}  // namespace ddcrash
