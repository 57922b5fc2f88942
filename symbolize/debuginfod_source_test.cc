// DebuginfodSource against no server at all: the library loads, and an unreachable server
// costs the lookup only. (tests/fleet:symbolize_test runs it against a real debuginfod.)
#include "symbolize/debuginfod_source.h"

#include <stdlib.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace ddcrash {
namespace {

TEST(DebuginfodSourceTest, LoadsAndFailsCleanlyWithoutAServer) {
  DebuginfodOptions options;
  options.urls = "http://127.0.0.1:1";  // nothing listens on port 1
  options.cache_directory = absl::StrCat(getenv("TEST_TMPDIR"), "/debuginfod-cache");
  options.timeout = absl::Seconds(2);
  absl::StatusOr<std::unique_ptr<DebuginfodSource>> source = DebuginfodSource::Create(options);
  ASSERT_TRUE(source.ok()) << source.status() << " (setup.sh installs libdebuginfod1)";
  EXPECT_EQ((*source)->Describe(), "debuginfod http://127.0.0.1:1");
  const absl::Time start = absl::Now();
  absl::StatusOr<FoundDebugFile> found =
      (*source)->Find({"e4848d216b597c39266a97e43b6d50c287054ec8", "libfleet.so"});
  EXPECT_FALSE(found.ok());
  EXPECT_LT(absl::Now() - start, absl::Seconds(30));
  EXPECT_EQ((*source)->Find({"xyz", "libfleet.so"}).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ddcrash
