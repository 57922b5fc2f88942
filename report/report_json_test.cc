#include "report/report_json.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "report/testing/sample_report.h"

namespace ddcrash {
namespace {

using ::testing::HasSubstr;

// These names are a public contract (README "Report format"); tools rely on them.
TEST(ReportJsonTest, UsesTheDocumentedFieldNames) {
  absl::StatusOr<std::string> json = ReportToJson(SampleCrashReport());
  ASSERT_TRUE(json.ok()) << json.status();
  for (const char* key :
       {"\"threads\"", "\"tid\"", "\"name\"", "\"crashed\"", "\"frames\"", "\"ip\"",
        "\"function\"", "\"moduleIndex\"", "\"kind\"", "\"crashingTid\"", "\"signal\"",
        "\"number\"", "\"exception\"", "\"type\"", "\"message\"", "\"modules\"", "\"path\"",
        "\"buildId\"", "\"diagnostics\"", "\"incomplete\"", "\"schemaVersion\""}) {
    EXPECT_THAT(*json, HasSubstr(key)) << key;
  }
  EXPECT_THAT(*json, HasSubstr("\"kind\": \"FRAME_KIND_MANAGED\""));
  EXPECT_THAT(*json, HasSubstr("\"crashingTid\": 4243"));
}

}  // namespace
}  // namespace ddcrash
