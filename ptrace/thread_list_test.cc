#include "ptrace/thread_list.h"

#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "ptrace/internal/test_child.h"

namespace ddcrash {
namespace {

using ptrace_internal::Channel;
using ptrace_internal::TestChild;

void* Park(void*) {
  while (true) pause();
  return nullptr;
}

TEST(ThreadListTest, ListsThreadsOfAProcess) {
  absl::StatusOr<std::unique_ptr<TestChild>> child = TestChild::Start([](Channel& channel) {
    for (int i = 0; i < 5; ++i) {
      pthread_t thread;
      pthread_create(&thread, nullptr, Park, nullptr);
    }
    channel.Send("ready").IgnoreError();
    channel.Receive().IgnoreError();
  });
  ASSERT_TRUE(child.ok());
  ASSERT_TRUE((*child)->channel().Receive(absl::Seconds(30)).ok());
  absl::StatusOr<std::vector<pid_t>> tids = ListThreads((*child)->pid());
  ASSERT_TRUE(tids.ok()) << tids.status();
  EXPECT_EQ(tids->size(), 6u);
  EXPECT_NE(std::find(tids->begin(), tids->end(), (*child)->pid()), tids->end());
}

TEST(ThreadListTest, MissingProcessIsNotFound) {
  absl::StatusOr<std::vector<pid_t>> tids = ListThreads(0x7ffffff0);
  EXPECT_TRUE(absl::IsNotFound(tids.status())) << tids.status();
  int calls = 0;
  absl::StatusOr<ThreadDiscovery> discovery =
      DiscoverThreads(0x7ffffff0, [&](absl::Span<const pid_t>) { ++calls; });
  EXPECT_TRUE(absl::IsNotFound(discovery.status()));
  EXPECT_EQ(calls, 0);
}

// The callback sees threads that appear between passes, and discovery ends with a pass that
// finds nothing new.
TEST(ThreadListTest, RepeatsPassesUntilNothingNewAppears) {
  absl::StatusOr<std::unique_ptr<TestChild>> child = TestChild::Start([](Channel& channel) {
    while (true) {
      absl::StatusOr<std::string> line = channel.Receive();
      if (!line.ok()) return;
      pthread_t thread;
      pthread_create(&thread, nullptr, Park, nullptr);
      // Report the new thread's tid once it exists in /proc.
      usleep(20000);
      channel.Send("spawned").IgnoreError();
    }
  });
  ASSERT_TRUE(child.ok());
  TestChild& target = **child;
  int passes = 0;
  std::vector<pid_t> seen;
  absl::StatusOr<ThreadDiscovery> discovery =
      DiscoverThreads(target.pid(), [&](absl::Span<const pid_t> fresh) {
        seen.insert(seen.end(), fresh.begin(), fresh.end());
        // Make the target create a thread during the first two passes only.
        if (++passes <= 2) {
          ASSERT_TRUE(target.channel().Send("spawn").ok());
          ASSERT_TRUE(target.channel().Receive(absl::Seconds(30)).ok());
        }
      });
  ASSERT_TRUE(discovery.ok()) << discovery.status();
  EXPECT_TRUE(discovery->complete);
  EXPECT_EQ(passes, 3);
  EXPECT_EQ(discovery->tids.size(), 3u);
  EXPECT_EQ(discovery->tids, seen);
}

TEST(ThreadListTest, DeadlineEndsDiscoveryIncomplete) {
  absl::StatusOr<ThreadDiscovery> discovery = DiscoverThreads(
      getpid(), [](absl::Span<const pid_t>) {}, absl::InfinitePast());
  ASSERT_TRUE(discovery.ok());
  EXPECT_FALSE(discovery->complete);
  EXPECT_FALSE(discovery->tids.empty());
}

}  // namespace
}  // namespace ddcrash
