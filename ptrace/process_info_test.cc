#include "ptrace/process_info.h"

#include <stdlib.h>
#include <unistd.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ddcrash {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;

TEST(ProcessInfoTest, ReadsOwnProcess) {
  setenv("DDCRASH_PROCESS_INFO_TEST", "visible", 1);
  absl::StatusOr<ProcessInfo> info = ReadProcessInfo(getpid());
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->pid, getpid());
  EXPECT_EQ(info->ppid, getppid());
  EXPECT_THAT(info->exe, ::testing::EndsWith("process_info_test"));
  EXPECT_FALSE(info->cmdline.empty());
  // /proc/PID/environ is the environment at exec time, not later setenv calls.
  EXPECT_FALSE(info->environment.empty());
}

TEST(ProcessInfoTest, MissingProcessIsNotFound) {
  absl::StatusOr<ProcessInfo> info = ReadProcessInfo(0x3fffffff);
  ASSERT_FALSE(info.ok());
  EXPECT_EQ(info.status().code(), absl::StatusCode::kNotFound);
}

TEST(ProcessInfoTest, SplitsNulSeparatedRecords) {
  EXPECT_THAT(SplitNulSeparated(absl::string_view("a\0b c\0\0d\0", 9)),
              ElementsAre("a", "b c", "", "d"));
  EXPECT_THAT(SplitNulSeparated(absl::string_view("x\0y", 3)), ElementsAre("x", "y"));
  EXPECT_TRUE(SplitNulSeparated("").empty());
}

TEST(ProcessInfoTest, ParentPidSurvivesHostileComm) {
  EXPECT_EQ(ParentPidFromStat("123 (a) b) (c) S 77 123 123 0"), 77);
  EXPECT_EQ(ParentPidFromStat("123 (normal) R 1 2 3"), 1);
  EXPECT_EQ(ParentPidFromStat("garbage"), 0);
  EXPECT_EQ(ParentPidFromStat("1 (x)"), 0);
}

}  // namespace
}  // namespace ddcrash
