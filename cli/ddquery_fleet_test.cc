#include "cli/ddquery_fleet.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "cli/ddquery.h"
#include "cli/exit_codes.h"
#include "gtest/gtest.h"
#include "report/report_writer.h"
#include "report/testing/sample_report.h"

namespace ddcrash {
namespace {

struct Result {
  int code;
  std::string out;
  std::string err;
};

Result Query(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  const int code = RunDdquery(args, out, err);
  return {code, out.str(), err.str()};
}

std::string ReportDir() {
  const std::string dir = absl::StrCat(getenv("TEST_TMPDIR"), "/fleet");
  mkdir(dir.c_str(), 0700);
  Report old_one = SampleCrashReport();  // captured in 2025
  Report recent = SampleCrashReport();
  recent.mutable_exception()->set_type("Recent.Exception");
  recent.mutable_diagnostics()->set_start_time_unix_nanos(
      absl::ToUnixNanos(absl::Now() - absl::Hours(1)));
  EXPECT_TRUE(WriteReportAtomically(old_one, dir + "/old.pb").ok());
  EXPECT_TRUE(WriteReportAtomically(recent, dir + "/recent.pb").ok());
  return dir;
}

TEST(DdqueryFleetTest, GroupTextJsonAndSince) {
  const std::string dir = ReportDir();
  Result all = Query({"--group", dir});
  EXPECT_EQ(all.code, kDdqueryOk) << all.err;
  EXPECT_EQ(all.out.rfind("2 crash groups in 2 reports\n", 0), 0u) << all.out;

  Result day = Query({"--group", dir, "--since", "1d", "--json"});
  EXPECT_EQ(day.code, kDdqueryOk) << day.err;
  EXPECT_NE(day.out.find("\"reports\":1,\"skippedOlder\":1"), std::string::npos) << day.out;
  EXPECT_NE(day.out.find("Recent.Exception"), std::string::npos) << day.out;

  Result none = Query({"--since", "30m", "--group", dir});
  EXPECT_EQ(none.code, kDdqueryNoMatch) << none.out;
  EXPECT_NE(none.out.find("0 crash groups in 0 reports, 2 older skipped"), std::string::npos)
      << none.out;
}

TEST(DdqueryFleetTest, GroupUsageErrors) {
  EXPECT_EQ(Query({"--group"}).code, kDdqueryUsage);
  EXPECT_EQ(Query({"--group", "x", "--since"}).code, kDdqueryUsage);
  Result bad = Query({"--group", "x", "--since", "soon"});
  EXPECT_EQ(bad.code, kDdqueryUsage);
  EXPECT_NE(bad.err.find("not a duration: soon"), std::string::npos) << bad.err;
  EXPECT_EQ(Query({"--group", "x", "--threads"}).code, kDdqueryUsage);
}

TEST(DdqueryFleetTest, SymbolizeAndOtlpUsageAndBadReports) {
  EXPECT_EQ(Query({"--symbolize"}).code, kDdqueryUsage);
  EXPECT_EQ(Query({"--symbolize", "r.pb", "--timeout", "0"}).code, kDdqueryUsage);
  EXPECT_EQ(Query({"--symbolize", "r.pb", "--threads"}).code, kDdqueryUsage);
  EXPECT_EQ(Query({"--symbolize", "r.pb", "-o", "r.pb"}).code, kDdqueryUsage);
  Result before = Query({"r.pb", "--symbolize"});
  EXPECT_EQ(before.code, kDdqueryUsage);
  EXPECT_NE(before.err.find("the report goes right after --symbolize"), std::string::npos) << before.err;
  Result two = Query({"--symbolize", "a.pb", "b.pb"});
  EXPECT_EQ(two.code, kDdqueryUsage);
  EXPECT_NE(two.err.find("b.pb: one report per --symbolize run"), std::string::npos) << two.err;
  Result missing = Query({"--symbolize", "/nonexistent/r.pb", "-o", "/nonexistent/out.pb"});
  EXPECT_EQ(missing.code, kDdqueryBadReport);
  EXPECT_NE(missing.err.find("/nonexistent/r.pb"), std::string::npos) << missing.err;

  EXPECT_EQ(Query({"--otlp"}).code, kDdqueryUsage);
  EXPECT_EQ(Query({"--otlp", "r.pb", "--json"}).code, kDdqueryUsage);
  const std::string dir = ReportDir();
  Result otlp = Query({"--otlp", dir + "/old.pb", dir + "/recent.pb"});
  EXPECT_EQ(otlp.code, kDdqueryOk) << otlp.err;
  EXPECT_EQ(std::count(otlp.out.begin(), otlp.out.end(), '\n'), 2) << otlp.out;
  EXPECT_EQ(otlp.out.rfind("{\"resourceLogs\":[", 0), 0u) << otlp.out;
}

TEST(DdqueryFleetTest, SymbolizeWritesANewReportWithItsAccount) {
  const std::string dir = ReportDir();
  const std::string out = dir + "/old.symbolized.pb";
  // The sample's frames are all named: nothing to do, and the account says so.
  Result result = Query({"--symbolize", dir + "/old.pb", "--cache", dir + "/cache"});
  EXPECT_EQ(result.code, kDdqueryOk) << result.err;
  EXPECT_NE(result.out.find("wrote " + out + ": 0 of 0 unnamed native frames named"), std::string::npos)
      << result.out;
  Result json = Query({out, "--json"});
  EXPECT_NE(json.out.find("\"deferredSymbolization\""), std::string::npos) << json.out;
}

TEST(DdqueryFleetTest, HelpListsTheModes) {
  Result help = Query({"--help"});
  EXPECT_EQ(help.code, kDdqueryOk);
  EXPECT_NE(help.out.find("--group DIR|FILE..."), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("--since DURATION"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("ddquery --symbolize REPORT [-o OUT]"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("ddquery --otlp REPORT..."), std::string::npos) << help.out;
}

}  // namespace
}  // namespace ddcrash
