#include "report/internal/wire_budget.h"

#include <cstdint>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "report/report.pb.h"
#include "report/testing/sample_report.h"

namespace ddcrash {
namespace {

constexpr size_t kNoLimit = ~size_t{0};

std::string Varint(uint64_t value) {
  std::string out;
  while (value >= 0x80) {
    out.push_back(static_cast<char>(value | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
  return out;
}

std::string Field(int number, const std::string& payload) {
  return Varint(static_cast<uint64_t>(number) << 3 | 2) + Varint(payload.size()) + payload;
}

// A thread holding `count` copies of `entry`.
std::string ReportWithThread(const std::string& entry, int count) {
  std::string thread;
  for (int i = 0; i < count; ++i) thread += entry;
  return Field(6, thread);
}

// The estimate errs high: it is never below what the parsed message really takes.
void ExpectCovers(const std::string& bytes) {
  Report parsed;
  ASSERT_TRUE(parsed.ParseFromString(bytes));
  absl::StatusOr<size_t> estimate =
      EstimateParsedSize(bytes, Report::descriptor(), kNoLimit, 64);
  ASSERT_TRUE(estimate.ok()) << estimate.status();
  EXPECT_GE(*estimate, parsed.SpaceUsedLong());
}

TEST(WireBudgetTest, EstimateCoversWhatParsingTakes) {
  ExpectCovers(SampleCrashReport().SerializeAsString());
  ExpectCovers(ReportWithThread(Field(8, ""), 100000));                  // empty frames
  ExpectCovers(ReportWithThread(Field(8, Field(12, "")), 50000));        // empty managed frames
  ExpectCovers(ReportWithThread(Field(6, std::string(100000, '\1')), 1));  // packed roles
  ExpectCovers(ReportWithThread(Varint(6 << 3 | 0) + Varint(1), 100000));  // unpacked roles
  ExpectCovers(ReportWithThread(Field(1000, ""), 100000));               // unknown fields
  std::string cmdline;
  for (int i = 0; i < 100000; ++i) cmdline += Field(4, "");
  ExpectCovers(Field(3, cmdline));                                       // empty strings
}

TEST(WireBudgetTest, StopsAtTheBudget) {
  const std::string bytes = ReportWithThread(Field(8, ""), 1000000);
  absl::StatusOr<size_t> estimate = EstimateParsedSize(bytes, Report::descriptor(), 1 << 20, 64);
  ASSERT_FALSE(estimate.ok());
  EXPECT_EQ(estimate.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(estimate.status().message()), ::testing::HasSubstr("1 MiB"));
}

TEST(WireBudgetTest, RejectsWhatIsNotWireFormat) {
  for (const std::string& bytes :
       {std::string("\x0a\x05" "ab", 4),             // length past the end
        std::string("\x32\x02\x42\x05", 4),          // nested length past its parent
        std::string("\x0b", 1),                      // group wire type
        std::string("\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 11),  // endless varint
        std::string("\x00\x01", 2)}) {               // field number 0
    absl::StatusOr<size_t> estimate =
        EstimateParsedSize(bytes, Report::descriptor(), kNoLimit, 64);
    EXPECT_EQ(estimate.status().code(), absl::StatusCode::kInvalidArgument)
        << estimate.status();
  }
  // Exceptions nest through `inner`; 100 levels are past a limit of 64.
  std::string exception;
  for (int i = 0; i < 100; ++i) exception = Field(6, exception);
  absl::StatusOr<size_t> deep =
      EstimateParsedSize(Field(8, exception), Report::descriptor(), kNoLimit, 64);
  EXPECT_EQ(deep.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(deep.status().message()), ::testing::HasSubstr("too deep"));
}

}  // namespace
}  // namespace ddcrash
