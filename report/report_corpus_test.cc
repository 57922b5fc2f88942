// Replays the malformed-report corpus (and the fuzzer's findings, once added to it) through
// everything ddquery does with untrusted bytes. None may parse; none may crash.
#include "gtest/gtest.h"
#include "report/report_fuzz_target.h"
#include "report/testing/sample_report.h"
#include "tools/testing/corpus.h"

namespace ddcrash {
namespace {

TEST(ReportCorpusTest, MalformedFilesAreRejectedWithoutCrashing) {
  absl::StatusOr<std::vector<CorpusFile>> corpus =
      ReadCorpus("report/testdata/report_corpus", 8);
  ASSERT_TRUE(corpus.ok()) << corpus.status();
  for (const CorpusFile& file : *corpus) {
    EXPECT_FALSE(ParseAndRenderUntrustedReport(file.bytes)) << file.name;
  }
}

TEST(ReportCorpusTest, ValidReportRendersEveryWay) {
  EXPECT_TRUE(ParseAndRenderUntrustedReport(SampleCrashReport().SerializeAsString()));
}

}  // namespace
}  // namespace ddcrash
