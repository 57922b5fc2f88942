// Replays the malformed-report corpus (and the fuzzer's findings, once added to it) through
// everything ddquery does with untrusted bytes. None may parse; none may crash.
#include <dirent.h>

#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "report/report_fuzz_target.h"
#include "report/testing/sample_report.h"

namespace ddcrash {
namespace {

TEST(ReportCorpusTest, MalformedFilesAreRejectedWithoutCrashing) {
  const std::string dir = "report/testdata/report_corpus";
  DIR* d = opendir(dir.c_str());
  ASSERT_NE(d, nullptr) << dir;
  int files = 0;
  while (dirent* entry = readdir(d)) {
    if (entry->d_name[0] == '.') continue;
    std::ifstream in(dir + "/" + entry->d_name, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    EXPECT_FALSE(ParseAndRenderUntrustedReport(bytes.str())) << entry->d_name;
    ++files;
  }
  closedir(d);
  EXPECT_GE(files, 8);
}

TEST(ReportCorpusTest, ValidReportRendersEveryWay) {
  EXPECT_TRUE(ParseAndRenderUntrustedReport(SampleCrashReport().SerializeAsString()));
}

}  // namespace
}  // namespace ddcrash
