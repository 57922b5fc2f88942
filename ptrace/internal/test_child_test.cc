#include "ptrace/internal/test_child.h"

#include <signal.h>
#include <sys/wait.h>

#include "gtest/gtest.h"

namespace ddcrash::ptrace_internal {
namespace {

TEST(TestChildTest, ExchangesMessagesAndIsKilled) {
  absl::StatusOr<std::unique_ptr<TestChild>> child = TestChild::Start([](Channel& channel) {
    while (true) {
      absl::StatusOr<std::string> line = channel.Receive();
      if (!line.ok()) return;
      channel.Send("echo " + *line).IgnoreError();
    }
  });
  ASSERT_TRUE(child.ok());
  ASSERT_TRUE((*child)->channel().Send("hi").ok());
  absl::StatusOr<std::string> reply = (*child)->channel().Receive(absl::Seconds(10));
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(*reply, "echo hi");
  EXPECT_TRUE(absl::IsDeadlineExceeded(
      (*child)->channel().Receive(absl::Milliseconds(20)).status()));
  absl::StatusOr<int> status = (*child)->KillAndReap();
  ASSERT_TRUE(status.ok());
  EXPECT_TRUE(WIFSIGNALED(*status));
  EXPECT_EQ(WTERMSIG(*status), SIGKILL);
}

}  // namespace
}  // namespace ddcrash::ptrace_internal
