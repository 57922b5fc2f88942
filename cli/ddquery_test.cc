#include "cli/ddquery.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "cli/exit_codes.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "report/report_writer.h"
#include "report/testing/sample_report.h"

namespace ddcrash {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class DdqueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = getenv("TEST_TMPDIR");
    dir_ = std::string(tmp != nullptr ? tmp : "/tmp");
    path_ = dir_ + "/sample.pb";
    ASSERT_TRUE(WriteReportAtomically(SampleCrashReport(), path_).ok());
  }

  int Run(std::vector<std::string> args) {
    out_.str("");
    err_.str("");
    return RunDdquery(args, out_, err_);
  }

  std::string dir_;
  std::string path_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(DdqueryTest, SummaryByDefault) {
  EXPECT_EQ(Run({path_}), kDdqueryOk);
  EXPECT_THAT(out_.str(), HasSubstr("Signal: SIGABRT"));
  EXPECT_THAT(out_.str(), HasSubstr("Thread 4243 \"worker\""));
}

TEST_F(DdqueryTest, ThreadByIndexTidAndCrashing) {
  EXPECT_EQ(Run({path_, "--thread", "0"}), kDdqueryOk);
  EXPECT_THAT(out_.str(), HasSubstr("Thread 4242 \"App\""));
  EXPECT_EQ(Run({path_, "--tid", "4244"}), kDdqueryOk);
  EXPECT_THAT(out_.str(), HasSubstr("Thread 4244 \".NET Finalizer\""));
  EXPECT_EQ(Run({"--crashing", path_}), kDdqueryOk);
  EXPECT_THAT(out_.str(), HasSubstr("Thread 4243 \"worker\""));
  EXPECT_THAT(out_.str(), HasSubstr("Ddcrash.TestApp.Crasher.Run()"));
}

TEST_F(DdqueryTest, UnknownThreadIsNoMatch) {
  EXPECT_EQ(Run({path_, "--thread", "3"}), kDdqueryNoMatch);
  EXPECT_THAT(err_.str(), HasSubstr("no such thread"));
  EXPECT_EQ(Run({path_, "--tid", "1"}), kDdqueryNoMatch);
  EXPECT_EQ(Run({path_, "--thread", "x"}), kDdqueryUsage);
}

TEST_F(DdqueryTest, ThreadsModulesJsonFingerprint) {
  EXPECT_EQ(Run({path_, "--threads"}), kDdqueryOk);
  EXPECT_THAT(out_.str(), HasSubstr("[crashed]"));
  EXPECT_EQ(Run({path_, "--modules"}), kDdqueryOk);
  EXPECT_THAT(out_.str(), HasSubstr("/app/libcoreclr.so"));
  EXPECT_EQ(Run({path_, "--json"}), kDdqueryOk);
  EXPECT_THAT(out_.str(), HasSubstr("\"crashingTid\": 4243"));
  EXPECT_EQ(Run({path_, "--fingerprint"}), kDdqueryOk);
  EXPECT_EQ(out_.str().size(), 17u);
}

TEST_F(DdqueryTest, GrepPrintsMatchingThreadsOrNoMatch) {
  EXPECT_EQ(Run({path_, "--grep", "Crasher\\.Fail"}), kDdqueryOk);
  EXPECT_THAT(out_.str(), HasSubstr("Thread 4243"));
  EXPECT_THAT(out_.str(), Not(HasSubstr("Thread 4242")));
  EXPECT_EQ(Run({path_, "--grep", "libcoreclr"}), kDdqueryOk);
  EXPECT_THAT(out_.str(), HasSubstr("Thread 4242"));
  EXPECT_EQ(Run({path_, "--grep", "NoSuchFunction"}), kDdqueryNoMatch);
  EXPECT_EQ(Run({path_, "--grep", "(unclosed"}), kDdqueryUsage);
}

TEST_F(DdqueryTest, UsageErrors) {
  EXPECT_EQ(Run({}), kDdqueryUsage);
  EXPECT_EQ(Run({path_, "--bogus"}), kDdqueryUsage);
  EXPECT_THAT(err_.str(), HasSubstr("unknown option --bogus"));
  EXPECT_EQ(Run({path_, "--threads", "--json"}), kDdqueryUsage);
  EXPECT_EQ(Run({path_, "--thread"}), kDdqueryUsage);
  EXPECT_EQ(Run({path_, path_}), kDdqueryUsage);
  EXPECT_EQ(Run({"--help"}), kDdqueryOk);
  EXPECT_THAT(out_.str(), HasSubstr("Exit codes"));
}

TEST_F(DdqueryTest, BadReportsExitThree) {
  EXPECT_EQ(Run({dir_ + "/missing.pb"}), kDdqueryBadReport);
  EXPECT_THAT(err_.str(), HasSubstr("missing.pb"));
  const std::string garbage = dir_ + "/garbage.pb";
  { std::ofstream(garbage) << "this is not a report"; }
  EXPECT_EQ(Run({garbage}), kDdqueryBadReport);
}

}  // namespace
}  // namespace ddcrash
