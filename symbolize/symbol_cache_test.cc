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

std::string TestDir(absl::string_view name) { return absl::StrCat(getenv("TEST_TMPDIR"), "/", name); }

absl::Status Accept(const std::string&) { return absl::OkStatus(); }

// Accepts a file whose content is exactly "hello".
absl::Status IsHello(const std::string& path) {
  return Read(path) == "hello" ? absl::OkStatus() : absl::DataLossError("not hello");
}

TEST(SymbolCacheTest, FetchesOnceAndKeepsNothingOfAFailure) {
  SymbolCache cache(TestDir("cache/symbols"));
  int fetches = 0;
  auto write_hello = [&](int fd) {
    ++fetches;
    return write(fd, "hello", 5) == 5 ? absl::OkStatus() : absl::InternalError("write");
  };
  absl::StatusOr<std::string> path = cache.Get("ssqp/server/a.dbg/key/a.dbg", write_hello, IsHello);
  ASSERT_TRUE(path.ok()) << path.status();
  EXPECT_EQ(Read(*path), "hello");
  path = cache.Get("ssqp/server/a.dbg/key/a.dbg", write_hello, IsHello);
  ASSERT_TRUE(path.ok());
  EXPECT_EQ(fetches, 1);

  absl::StatusOr<std::string> failed = cache.Get("ssqp/server/b.dbg", [](int fd) {
    (void)!write(fd, "partial", 7);
    return absl::DeadlineExceededError("timeout");
  }, Accept);
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kDeadlineExceeded);
  struct stat st;
  EXPECT_NE(stat(absl::StrCat(cache.directory(), "/ssqp/server/b.dbg").c_str(), &st), 0);

  EXPECT_EQ(cache.Get("../escape", write_hello, Accept).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(cache.Get("a//b", write_hello, Accept).status().code(),
            absl::StatusCode::kInvalidArgument);

  absl::StatusOr<std::string> sub = cache.Subdirectory("debuginfod");
  ASSERT_TRUE(sub.ok());
  ASSERT_EQ(stat(sub->c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

// A download that fetched "fine" but is wrong (an error page, a cut body) is never renamed
// into the cache; a wrong file already cached is replaced by a fresh fetch.
TEST(SymbolCacheTest, AnUnverifiedDownloadIsNotKeptAndABadEntryIsFetchedAgain) {
  SymbolCache cache(TestDir("verify"));
  absl::StatusOr<std::string> page = cache.Get("k/file", [](int fd) {
    return write(fd, "<html>", 6) == 6 ? absl::OkStatus() : absl::InternalError("write");
  }, IsHello);
  EXPECT_EQ(page.status().code(), absl::StatusCode::kDataLoss);
  struct stat st;
  EXPECT_NE(lstat(TestDir("verify/k/file").c_str(), &st), 0);

  { std::ofstream(TestDir("verify/k/file")) << "poisoned"; }
  absl::StatusOr<std::string> path = cache.Get("k/file", [](int fd) {
    return write(fd, "hello", 5) == 5 ? absl::OkStatus() : absl::InternalError("write");
  }, IsHello);
  ASSERT_TRUE(path.ok()) << path.status();
  EXPECT_EQ(Read(*path), "hello");
}

// Another user's planted directory or a symlinked component is refused, not followed.
TEST(SymbolCacheTest, RefusesWritableOrSymlinkedDirectories) {
  const std::string root = TestDir("planted");
  ASSERT_EQ(mkdir(root.c_str(), 0700), 0);
  ASSERT_EQ(chmod(root.c_str(), 0777), 0);
  SymbolCache open_root(root);
  EXPECT_EQ(open_root.Get("k/f", [](int) { return absl::OkStatus(); }, Accept).status().code(),
            absl::StatusCode::kFailedPrecondition);

  const std::string good = TestDir("good");
  const std::string elsewhere = TestDir("elsewhere");
  ASSERT_EQ(mkdir(good.c_str(), 0700), 0);
  ASSERT_EQ(mkdir(elsewhere.c_str(), 0700), 0);
  ASSERT_EQ(symlink(elsewhere.c_str(), (good + "/ssqp").c_str()), 0);
  SymbolCache linked(good);
  absl::StatusOr<std::string> path =
      linked.Get("ssqp/f", [](int fd) { return write(fd, "x", 1) == 1 ? absl::OkStatus() : absl::InternalError("w"); }, Accept);
  EXPECT_FALSE(path.ok());
  struct stat st;
  EXPECT_NE(lstat((elsewhere + "/f").c_str(), &st), 0);

  ASSERT_EQ(mkdir((good + "/wide").c_str(), 0777), 0);
  ASSERT_EQ(chmod((good + "/wide").c_str(), 0777), 0);
  EXPECT_EQ(linked.Subdirectory("wide").status().code(), absl::StatusCode::kFailedPrecondition);

  // A symlink planted at the key is not read through.
  ASSERT_EQ(mkdir((good + "/k").c_str(), 0700), 0);
  { std::ofstream(elsewhere + "/forged") << "hello"; }
  ASSERT_EQ(symlink((elsewhere + "/forged").c_str(), (good + "/k/f").c_str()), 0);
  int fetches = 0;
  path = linked.Get("k/f", [&](int fd) {
    ++fetches;
    return write(fd, "hello", 5) == 5 ? absl::OkStatus() : absl::InternalError("w");
  }, IsHello);
  ASSERT_TRUE(path.ok()) << path.status();
  EXPECT_EQ(fetches, 1);
  ASSERT_EQ(lstat(path->c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
}

TEST(SymbolCacheTest, NoDirectoryMeansAPrivateOneRemovedAtTheEnd) {
  unsetenv("DDCRASH_SYMBOL_CACHE");
  unsetenv("XDG_CACHE_HOME");
  unsetenv("HOME");
  EXPECT_EQ(DefaultSymbolCacheDirectory(), "");
  setenv("HOME", "/home/u", 1);
  EXPECT_EQ(DefaultSymbolCacheDirectory(), "/home/u/.cache/ddcrash/symbols");
  setenv("XDG_CACHE_HOME", "/x", 1);
  EXPECT_EQ(DefaultSymbolCacheDirectory(), "/x/ddcrash/symbols");

  setenv("TMPDIR", getenv("TEST_TMPDIR"), 1);
  std::string directory;
  {
    SymbolCache cache("");
    EXPECT_FALSE(cache.persistent());
    absl::StatusOr<std::string> path = cache.Get("a/b", [](int fd) {
      return write(fd, "hello", 5) == 5 ? absl::OkStatus() : absl::InternalError("w");
    }, IsHello);
    ASSERT_TRUE(path.ok()) << path.status();
    EXPECT_EQ(Read(*path), "hello");
    directory = cache.directory();
  }
  struct stat st;
  EXPECT_NE(lstat(directory.c_str(), &st), 0);
}

}  // namespace
}  // namespace ddcrash
