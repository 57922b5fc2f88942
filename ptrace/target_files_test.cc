#include "ptrace/target_files.h"

#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace ddcrash {
namespace {

std::string MakeTempDir() {
  std::string dir = absl::StrCat(getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp",
                                 "/target_files_XXXXXX");
  EXPECT_NE(mkdtemp(dir.data()), nullptr);
  return dir;
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class RootTreeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = MakeTempDir();
    ASSERT_EQ(mkdir((root_ + "/usr").c_str(), 0755), 0);
    ASSERT_EQ(mkdir((root_ + "/usr/lib").c_str(), 0755), 0);
    WriteFile(root_ + "/usr/lib/real.so", "inside");
    // Absolute links, as a container's file system has them: they name files of that root.
    ASSERT_EQ(symlink("/usr/lib", (root_ + "/lib").c_str()), 0);
    ASSERT_EQ(symlink("../../../../../../usr/lib/real.so", (root_ + "/usr/up.so").c_str()), 0);
    ASSERT_EQ(symlink("loop2", (root_ + "/loop1").c_str()), 0);
    ASSERT_EQ(symlink("loop1", (root_ + "/loop2").c_str()), 0);
  }
  std::string root_;
};

TEST_F(RootTreeTest, AbsoluteLinksStayInsideTheRoot) {
  TargetFiles files = TargetFiles::UnderRoot(root_);
  absl::StatusOr<ResolvedPath> resolved = files.Resolve("/lib/real.so");
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_EQ(resolved->in_root, "/usr/lib/real.so");
  EXPECT_EQ(resolved->openable(), root_ + "/usr/lib/real.so");
  EXPECT_EQ(ReadFile(*files.Openable("/lib/real.so")), "inside");
}

TEST_F(RootTreeTest, DotDotNeverLeavesTheRoot) {
  TargetFiles files = TargetFiles::UnderRoot(root_);
  absl::StatusOr<ResolvedPath> resolved = files.Resolve("/usr/up.so");
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_EQ(resolved->in_root, "/usr/lib/real.so");
  resolved = files.Resolve("/../../usr/./lib//real.so");
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_EQ(resolved->in_root, "/usr/lib/real.so");
}

TEST_F(RootTreeTest, EntriesNameTheRootAndEachPrefix) {
  absl::StatusOr<ResolvedPath> resolved = TargetFiles::UnderRoot(root_).Resolve("/lib/real.so");
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_EQ(resolved->Entry("/"), root_ + "/");
  EXPECT_EQ(resolved->Entry("/usr"), root_ + "/usr");
  ResolvedPath local{"", "/usr"};
  EXPECT_EQ(local.Entry("/"), "/");
}

TEST_F(RootTreeTest, BadPathsAreErrors) {
  TargetFiles files = TargetFiles::UnderRoot(root_);
  EXPECT_EQ(files.Resolve("/loop1").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(files.Resolve("usr/lib").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(files.Resolve("").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(files.Resolve("/usr/missing.so").status().code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(files.Resolve("/usr/lib/real.so/x").ok());  // a file is no directory
}

TEST(TargetFilesTest, OwnProcessIsLocalAndPathsPassUnchanged) {
  TargetFiles files = TargetFiles::Of(getpid());
  EXPECT_FALSE(files.foreign());
  EXPECT_EQ(*files.Openable("/some/where"), "/some/where");
  EXPECT_FALSE(TargetFiles::Of(std::nullopt).foreign());
}

// A process with a private /tmp in its own mount namespace: its file is reached from here
// through its root, and does not exist at the same path in ours.
TEST(TargetFilesTest, ProcessInAnotherMountNamespace) {
  int ready[2], done[2];
  ASSERT_EQ(pipe(ready), 0);
  ASSERT_EQ(pipe(done), 0);
  const std::string dir = "/tmp/ddcrash-target-files-test";
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    char status = 'x';
    if (unshare(CLONE_NEWNS) == 0 && mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0 &&
        mount("tmpfs", "/tmp", "tmpfs", 0, "mode=1777") == 0 && mkdir(dir.c_str(), 0755) == 0 &&
        symlink("/tmp/ddcrash-target-files-test/file", (dir + "/link").c_str()) == 0) {
      std::ofstream(dir + "/file") << "private";
      status = 'k';
    }
    (void)!write(ready[1], &status, 1);
    (void)!read(done[0], &status, 1);
    _exit(0);
  }
  char status = 0;
  ASSERT_EQ(read(ready[0], &status, 1), 1);
  ASSERT_EQ(status, 'k') << "could not make a private mount namespace (needs root)";
  TargetFiles files = TargetFiles::Of(child);
  EXPECT_TRUE(files.foreign());
  EXPECT_EQ(files.root(), absl::StrCat("/proc/", child, "/root"));
  absl::StatusOr<std::string> openable = files.Openable(dir + "/link");
  EXPECT_TRUE(openable.ok()) << openable.status();
  if (openable.ok()) {
    EXPECT_EQ(*openable, absl::StrCat("/proc/", child, "/root", dir, "/file"));
    EXPECT_EQ(ReadFile(*openable), "private");
  }
  struct stat st;
  EXPECT_NE(stat((dir + "/file").c_str(), &st), 0);
  (void)!write(done[1], "x", 1);
  int wstatus = 0;
  ASSERT_EQ(waitpid(child, &wstatus, 0), child);
}

}  // namespace
}  // namespace ddcrash
