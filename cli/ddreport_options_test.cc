#include "cli/ddreport_options.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ddcrash {
namespace {

using Mode = DdreportOptions::Mode;

TEST(DdreportOptionsTest, SnapshotWithOutput) {
  absl::StatusOr<DdreportOptions> options = ParseDdreportOptions({"--pid", "123", "-o", "r.pb"});
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->mode, Mode::kSnapshot);
  EXPECT_EQ(options->pid, 123);
  EXPECT_EQ(options->output_path, "r.pb");
}

TEST(DdreportOptionsTest, HelpAndVersion) {
  EXPECT_EQ(ParseDdreportOptions({"--help"})->mode, Mode::kHelp);
  EXPECT_EQ(ParseDdreportOptions({"--version"})->mode, Mode::kVersion);
}

TEST(DdreportOptionsTest, CreatedumpKeepsArgumentsVerbatim) {
  absl::StatusOr<DdreportOptions> options =
      ParseDdreportOptions({"createdump", "--name", "/tmp/x", "1234", "--signal", "11"});
  ASSERT_TRUE(options.ok());
  EXPECT_EQ(options->mode, Mode::kCreatedump);
  EXPECT_THAT(options->createdump_args,
              ::testing::ElementsAre("--name", "/tmp/x", "1234", "--signal", "11"));
}

TEST(DdreportOptionsTest, UsageErrors) {
  EXPECT_FALSE(ParseDdreportOptions({}).ok());
  EXPECT_FALSE(ParseDdreportOptions({"--pid"}).ok());
  EXPECT_FALSE(ParseDdreportOptions({"--pid", "abc"}).ok());
  EXPECT_FALSE(ParseDdreportOptions({"--pid", "-5"}).ok());
  EXPECT_FALSE(ParseDdreportOptions({"--pid", "1", "--frobnicate"}).ok());
  EXPECT_FALSE(ParseDdreportOptions({"-o", "x.pb"}).ok());
}

}  // namespace
}  // namespace ddcrash
