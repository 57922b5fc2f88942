#include "ptrace/internal/proc_files.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace ddcrash::ptrace_internal {
namespace {

TEST(ProcFilesTest, ReadsProcFilesToTheEnd) {
  absl::StatusOr<std::string> maps = ReadProcFile("/proc/self/maps");
  ASSERT_TRUE(maps.ok()) << maps.status();
  EXPECT_NE(maps->find("[stack]"), std::string::npos);
  EXPECT_TRUE(absl::IsNotFound(ReadProcFile("/proc/self/no-such-file").status()));
  EXPECT_TRUE(absl::IsResourceExhausted(ReadProcFile("/proc/self/maps", 10).status()));
}

TEST(ProcFilesTest, ReadsTaskIds) {
  absl::StatusOr<std::vector<pid_t>> tids = ReadTaskIds(getpid());
  ASSERT_TRUE(tids.ok());
  EXPECT_NE(std::find(tids->begin(), tids->end(), getpid()), tids->end());
  EXPECT_TRUE(absl::IsNotFound(ReadTaskIds(0x7fffffff).status()));
}

TEST(ProcFilesTest, ReadsTaskStatWholeInOneRead) {
  const int task_dir = open("/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(task_dir, 0);
  absl::StatusOr<std::string> stat = ReadTaskStat(task_dir, getpid());
  ASSERT_TRUE(stat.ok()) << stat.status();
  // The same line ReadProcFile reads to EOF, up to the fields that move (times, counters).
  absl::StatusOr<std::string> whole = ReadProcFile("/proc/self/task/" + std::to_string(getpid()) + "/stat");
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(stat->substr(0, stat->find(") ") + 4), whole->substr(0, whole->find(") ") + 4));
  EXPECT_EQ(stat->back(), '\n');
  EXPECT_EQ(ParseStatState(*stat), 'R');
  EXPECT_TRUE(absl::IsNotFound(ReadTaskStat(task_dir, 0x7fffffff).status()));
  close(task_dir);
}

TEST(ProcFilesTest, ParsesStatState) {
  EXPECT_EQ(ParseStatState("123 (cat) R 1 2 3"), 'R');
  EXPECT_EQ(ParseStatState("123 (a) b) S 1 2 3"), 'S');  // ")" in the command
  EXPECT_EQ(ParseStatState("123 (x)"), '?');
  EXPECT_EQ(ParseStatState("123 (x) 7"), '?');
  EXPECT_EQ(ParseStatState(""), '?');
  absl::StatusOr<std::string> stat = ReadProcFile("/proc/self/stat");
  ASSERT_TRUE(stat.ok());
  EXPECT_EQ(ParseStatState(*stat), 'R');
}

TEST(ProcFilesTest, ParsesStatCommand) {
  EXPECT_EQ(ParseStatCommand("123 (cat) R 1 2 3"), "cat");
  EXPECT_EQ(ParseStatCommand("123 (a) b) S 1 2 3"), "a) b");  // ")" in the command
  EXPECT_EQ(ParseStatCommand("123 (x(y) S"), "x(y");
  EXPECT_EQ(ParseStatCommand("123 () S"), "");
  EXPECT_EQ(ParseStatCommand("123 )x( S"), "");
  EXPECT_EQ(ParseStatCommand("123 cat S"), "");
  EXPECT_EQ(ParseStatCommand(""), "");
  absl::StatusOr<std::string> stat =
      ReadProcFile("/proc/self/task/" + std::to_string(getpid()) + "/stat");
  absl::StatusOr<std::string> comm = ReadProcFile("/proc/self/comm");
  ASSERT_TRUE(stat.ok() && comm.ok());
  EXPECT_EQ(std::string(ParseStatCommand(*stat)) + "\n", *comm);
}

TEST(ProcFilesTest, ErrnoStatusMapsCodes) {
  EXPECT_TRUE(absl::IsNotFound(ErrnoStatus(ENOENT, "x")));
  EXPECT_TRUE(absl::IsNotFound(ErrnoStatus(ESRCH, "x")));
  absl::Status denied = ErrnoStatus(EPERM, "ptrace");
  EXPECT_TRUE(absl::IsPermissionDenied(denied));
  EXPECT_EQ(denied.message(), "ptrace: Operation not permitted");
  EXPECT_TRUE(absl::IsInternal(ErrnoStatus(EIO, "x")));
}

}  // namespace
}  // namespace ddcrash::ptrace_internal
