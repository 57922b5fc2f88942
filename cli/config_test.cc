#include "cli/config.h"

#include <unistd.h>

#include <map>

#include "absl/strings/str_cat.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ddcrash {
namespace {

Config LoadFrom(std::map<std::string, std::string> env) {
  return LoadConfig([env](const char* name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  });
}

TEST(ConfigTest, Defaults) {
  Config config = LoadFrom({});
  EXPECT_EQ(config.timeout, absl::Milliseconds(5000));
  EXPECT_EQ(config.thread_stop_timeout, absl::Milliseconds(200));
  EXPECT_EQ(config.max_frames, 1024);
  EXPECT_EQ(config.report_dir, absl::StrCat("/tmp/ddcrash-", geteuid()));
  EXPECT_EQ(config.max_reports, 50);
  EXPECT_EQ(config.dac_timeout, absl::Milliseconds(3000));
  EXPECT_EQ(config.dac_path, "");
  EXPECT_EQ(config.otlp_dir, "");
  EXPECT_TRUE(config.warnings.empty());
}

TEST(ConfigTest, ReadsEveryVariable) {
  Config config = LoadFrom({{"DDCRASH_TIMEOUT_MS", "1500"},
                            {"DDCRASH_THREAD_STOP_TIMEOUT_MS", "50"},
                            {"DDCRASH_MAX_FRAMES", "64"},
                            {"DDCRASH_REPORT_DIR", "/var/crash"},
                            {"DDCRASH_MAX_REPORTS", "3"},
                            {"DDCRASH_DAC_TIMEOUT_MS", "750"},
                            {"DDCRASH_DAC_PATH", "/opt/dac/libmscordaccore.so"},
                            {"DDCRASH_DAC_DIR", "/var/lib/ddcrash/dacs"},
                            {"DDCRASH_SCRUB", "^ACME_"},
                            {"DDCRASH_OTLP_DIR", "/var/spool/ddcrash-otlp"}});
  EXPECT_EQ(config.dac_dir, "/var/lib/ddcrash/dacs");
  EXPECT_EQ(config.max_reports, 3);
  EXPECT_EQ(config.dac_timeout, absl::Milliseconds(750));
  EXPECT_EQ(config.dac_path, "/opt/dac/libmscordaccore.so");
  EXPECT_EQ(config.timeout, absl::Milliseconds(1500));
  EXPECT_EQ(config.thread_stop_timeout, absl::Milliseconds(50));
  EXPECT_EQ(config.max_frames, 64);
  EXPECT_EQ(config.report_dir, "/var/crash");
  EXPECT_EQ(config.scrub_pattern, "^ACME_");
  EXPECT_EQ(config.otlp_dir, "/var/spool/ddcrash-otlp");
}

TEST(ConfigTest, BadValuesKeepDefaultsWithWarnings) {
  Config config = LoadFrom({{"DDCRASH_TIMEOUT_MS", "soon"}, {"DDCRASH_MAX_FRAMES", "0"}});
  EXPECT_EQ(config.timeout, absl::Milliseconds(5000));
  EXPECT_EQ(config.max_frames, 1024);
  ASSERT_EQ(config.warnings.size(), 2u);
  EXPECT_THAT(config.warnings[0], ::testing::HasSubstr("DDCRASH_TIMEOUT_MS=soon"));
}

}  // namespace
}  // namespace ddcrash
