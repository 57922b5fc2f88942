#include "otlp/otlp_spool.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

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
  absl::StatusOr<std::string> path = WriteOtlpSpoolFile(dir, report, Options());
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

TEST(OtlpSpoolTest, PlantedLinkAndOpenDirectoryRefused) {
  const std::string base = absl::StrCat(getenv("TEST_TMPDIR"), "/planted");
  mkdir(base.c_str(), 0700);
  const std::string target = base + "/elsewhere";
  mkdir(target.c_str(), 0700);
  const std::string link = base + "/spool";
  ASSERT_EQ(symlink(target.c_str(), link.c_str()), 0);
  EXPECT_FALSE(WriteOtlpSpoolFile(link, SampleCrashReport(), Options()).ok());

  const std::string open_dir = base + "/world-writable";
  mkdir(open_dir.c_str(), 0777);
  chmod(open_dir.c_str(), 0777);
  absl::StatusOr<std::string> refused = WriteOtlpSpoolFile(open_dir, SampleCrashReport(), Options());
  EXPECT_FALSE(refused.ok());
}

}  // namespace
}  // namespace ddcrash
