#include "report/report_reader.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "report/schema.h"
#include "report/testing/sample_report.h"

namespace ddcrash {
namespace {

using ::testing::HasSubstr;

TEST(ReportReaderTest, ParsesAValidReport) {
  const Report report = SampleCrashReport();
  absl::StatusOr<Report> parsed = ParseReport(report.SerializeAsString());
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->threads_size(), 3);
}

TEST(ReportReaderTest, EveryTruncationIsRejected) {
  const std::string bytes = SampleCrashReport().SerializeAsString();
  for (size_t length = 0; length < bytes.size(); ++length) {
    absl::StatusOr<Report> parsed = ParseReport(absl::string_view(bytes).substr(0, length));
    EXPECT_FALSE(parsed.ok()) << "a report cut to " << length << " of " << bytes.size()
                              << " bytes was accepted";
  }
}

TEST(ReportReaderTest, ForeignFilesAreRejectedClearly) {
  EXPECT_THAT(std::string(ParseReport("").status().message()), HasSubstr("empty"));
  EXPECT_FALSE(ParseReport("\x7f" "ELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00").ok());
  EXPECT_FALSE(ParseReport("{\"threads\": []}\n").ok());
  EXPECT_FALSE(ParseReport(std::string(1000, '\xff')).ok());
}

TEST(ReportReaderTest, NewerSchemaIsAFailedPrecondition) {
  Report report = SampleCrashReport();
  report.set_schema_version(kSchemaVersion + 1);
  absl::StatusOr<Report> parsed = ParseReport(report.SerializeAsString());
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("newer"));
}

TEST(ReportReaderTest, DanglingModuleReferenceIsCorrupt) {
  Report report = SampleCrashReport();
  report.mutable_threads(0)->mutable_frames(0)->set_module_index(99);
  absl::StatusOr<Report> parsed = ParseReport(report.SerializeAsString());
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("module 99"));
}

TEST(ReportReaderTest, MissingFileIsNotFound) {
  absl::StatusOr<Report> parsed = ReadReportFile("/nonexistent/report.pb");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kNotFound);
}

TEST(ReportReaderTest, DirectoryIsRejected) {
  EXPECT_FALSE(ReadReportFile("/tmp").ok());
}

TEST(ReportReaderTest, FifoIsRejectedWithoutWaitingForAWriter) {
  const char* tmp = getenv("TEST_TMPDIR");
  const std::string fifo = std::string(tmp != nullptr ? tmp : "/tmp") + "/reader.fifo";
  unlink(fifo.c_str());
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  absl::StatusOr<Report> report = ReadReportFile(fifo);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(report.status().message()), HasSubstr("not a regular file"));
}

// Two bytes per empty frame on the wire, over a hundred once parsed: refused before parsing.
TEST(ReportReaderTest, ReportTooLargeToParseIsResourceExhausted) {
  std::string thread = "\x08\x07";  // tid 7
  while (thread.size() < (20u << 20)) thread.append("\x42\x00", 2);  // empty frames
  std::string length;
  for (uint64_t n = thread.size();; n >>= 7) {
    length.push_back(static_cast<char>((n & 0x7f) | (n >= 0x80 ? 0x80 : 0)));
    if (n < 0x80) break;
  }
  const std::string bytes = SampleCrashReport().SerializeAsString() + "\x32" + length + thread;
  absl::StatusOr<Report> report = ParseReport(bytes);
  EXPECT_EQ(report.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(report.status().message()), HasSubstr("report too large"));
}

}  // namespace
}  // namespace ddcrash
