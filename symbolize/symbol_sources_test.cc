#include "symbolize/symbol_sources.h"

#include <stdlib.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace ddcrash {
namespace {

TEST(SymbolSourcesTest, LocalFirstThenTheNetworkAndBadOnesReported) {
  SymbolSourceOptions options;
  options.debug_directories = {"/d1", "/usr/lib/debug"};
  options.ssqp = {"http://127.0.0.1:1/ssqp", "/mirror", "https://msdl.microsoft.com/download/symbols"};
  options.debuginfod_urls = "http://127.0.0.1:1";
  options.cache_directory = absl::StrCat(getenv("TEST_TMPDIR"), "/cache");
  SymbolSources sources(options);
  std::vector<std::string> described;
  for (DebugFileSource* source : sources.sources()) described.push_back(source->Describe());
  EXPECT_EQ(described, (std::vector<std::string>{"directory /d1", "directory /usr/lib/debug",
                                                 "ssqp /mirror", "debuginfod http://127.0.0.1:1",
                                                 "ssqp http://127.0.0.1:1/ssqp"}));
  ASSERT_EQ(sources.problems().size(), 1u);
  EXPECT_TRUE(absl::StrContains(sources.problems()[0], "only http:// URLs are supported"))
      << sources.problems()[0];
}

TEST(SymbolSourcesTest, NoDebuginfodWithoutUrls) {
  SymbolSourceOptions options;
  options.cache_directory = absl::StrCat(getenv("TEST_TMPDIR"), "/cache2");
  SymbolSources sources(options);
  EXPECT_TRUE(sources.sources().empty());
  EXPECT_TRUE(sources.problems().empty());
}

}  // namespace
}  // namespace ddcrash
