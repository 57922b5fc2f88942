#include "cli/ddquery.h"

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
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

TEST_F(DdqueryTest, AllFramesGoesWithAnyStackView) {
  EXPECT_EQ(Run({path_, "--crashing", "--all-frames"}), kDdqueryOk);
  EXPECT_THAT(out_.str(), HasSubstr("libcoreclr.so!IL_Throw"));
  EXPECT_EQ(Run({path_, "--all-frames"}), kDdqueryOk);
  EXPECT_THAT(out_.str(), HasSubstr("Signal:"));
  EXPECT_EQ(Run({"--all-frames", path_, "--grep", "IL_Throw"}), kDdqueryOk);
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

TEST_F(DdqueryTest, FifoIsRefusedWithoutBlocking) {
  const std::string fifo = dir_ + "/report.fifo";
  unlink(fifo.c_str());
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(Run({fifo}), kDdqueryBadReport);  // without the fix: blocks until the test times out
  EXPECT_THAT(err_.str(), HasSubstr("not a regular file"));
}

// 20 MB of empty frames would take ~1.3 GB once parsed: refused before parsing, in about the
// memory of the file.
TEST_F(DdqueryTest, OversizedReportIsRefusedInBoundedMemory) {
  Report report = SampleCrashReport();
  std::string bytes = report.SerializeAsString();
  std::string frames;
  frames.reserve(20 << 20);
  while (frames.size() < (20u << 20)) frames.append("\x42\x00", 2);  // field 8, length 0
  std::string thread = std::string("\x08\x07", 2) + frames;           // tid 7
  std::string length;
  for (uint64_t n = thread.size(); ; n >>= 7) {
    length.push_back(static_cast<char>((n & 0x7f) | (n >= 0x80 ? 0x80 : 0)));
    if (n < 0x80) break;
  }
  bytes += std::string("\x32", 1) + length + thread;  // one more thread (field 6)
  const std::string path = dir_ + "/oversized.pb";
  {
    std::ofstream out(path, std::ios::binary);
    out << bytes;
  }
  const size_t file_size = bytes.size();
  std::string().swap(bytes);
  std::string().swap(frames);
  std::string().swap(thread);
  rusage before;
  ASSERT_EQ(getrusage(RUSAGE_SELF, &before), 0);
  EXPECT_EQ(Run({path, "--json"}), kDdqueryBadReport);
  EXPECT_THAT(err_.str(), HasSubstr("report too large"));
  rusage after;
  ASSERT_EQ(getrusage(RUSAGE_SELF, &after), 0);
  // ru_maxrss is in KiB: the peak grew by at most the file and some slack, not by the gigabyte
  // parsing would take.
  EXPECT_LT(after.ru_maxrss - before.ru_maxrss, static_cast<long>(file_size / 1024 + 64 * 1024));
}

// JSON output escapes control characters (protobuf's JSON printer); the text views escape
// them themselves (text_renderer_test covers every field).
TEST_F(DdqueryTest, NoRawControlCharactersReachTheTerminal) {
  Report report = SampleCrashReport();
  const std::string hostile = "x\x1b]0;pwn\x07\x1b[2J\r\n\xc2\x9b\x7fy";
  report.mutable_threads(1)->set_name(hostile);
  report.mutable_exception()->set_message(hostile);
  report.mutable_modules(0)->set_path(hostile);
  report.mutable_threads(1)->mutable_frames(0)->set_function(hostile);
  const std::string path = dir_ + "/hostile.pb";
  ASSERT_TRUE(WriteReportAtomically(report, path).ok());
  for (const std::vector<std::string>& view :
       {std::vector<std::string>{path}, {path, "--json"}, {path, "--threads"},
        {path, "--modules"}, {path, "--crashing"}, {path, "--grep", "x"}}) {
    EXPECT_EQ(Run(view), kDdqueryOk) << view.back();
    const std::string out = out_.str();
    for (const std::string raw : {"\x1b", "\x07", "\r", "\x7f", "\xc2\x9b"}) {
      EXPECT_EQ(out.find(raw), std::string::npos)
          << view.back() << ": raw byte " << static_cast<int>(raw[0]) << " in\n" << out;
    }
  }
}

}  // namespace
}  // namespace ddcrash
