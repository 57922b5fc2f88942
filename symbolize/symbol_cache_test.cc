#include "symbolize/symbol_cache.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace ddcrash {
namespace {

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(SymbolCacheTest, FetchesOnceAndKeepsNothingOfAFailure) {
  SymbolCache cache(absl::StrCat(getenv("TEST_TMPDIR"), "/cache/symbols"));
  int fetches = 0;
  auto write_hello = [&](int fd) {
    ++fetches;
    return write(fd, "hello", 5) == 5 ? absl::OkStatus() : absl::InternalError("write");
  };
  absl::StatusOr<std::string> path = cache.Get("ssqp/server/a.dbg/key/a.dbg", write_hello);
  ASSERT_TRUE(path.ok()) << path.status();
  EXPECT_EQ(Read(*path), "hello");
  path = cache.Get("ssqp/server/a.dbg/key/a.dbg", write_hello);
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(fetches, 1);

  absl::StatusOr<std::string> failed = cache.Get("ssqp/server/b.dbg", [](int fd) {
    (void)!write(fd, "partial", 7);
    return absl::DeadlineExceededError("timeout");
  });
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kDeadlineExceeded);
  struct stat st;
  EXPECT_NE(stat(absl::StrCat(cache.directory(), "/ssqp/server/b.dbg").c_str(), &st), 0);

  EXPECT_EQ(cache.Get("../escape", write_hello).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(cache.Get("a//b", write_hello).status().code(), absl::StatusCode::kInvalidArgument);

  absl::StatusOr<std::string> sub = cache.Subdirectory("debuginfod");
  ASSERT_TRUE(sub.ok());
  ASSERT_EQ(stat(sub->c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
}

}  // namespace
}  // namespace ddcrash
