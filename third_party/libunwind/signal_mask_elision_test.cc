#include "third_party/libunwind/signal_mask_elision.h"

#include <pthread.h>
#include <signal.h>

#include <thread>

#include "gtest/gtest.h"

namespace ddcrash {
namespace {

// Whether `sig` is blocked on this thread now (pthread_sigmask is never wrapped).
bool Blocked(int sig) {
  sigset_t mask;
  pthread_sigmask(SIG_BLOCK, nullptr, &mask);
  return sigismember(&mask, sig) == 1;
}

sigset_t Only(int sig) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  return set;
}

class SignalMaskElisionTest : public ::testing::Test {
 protected:
  void SetUp() override { pthread_sigmask(SIG_SETMASK, nullptr, &saved_); }
  void TearDown() override { pthread_sigmask(SIG_SETMASK, &saved_, nullptr); }
  sigset_t saved_;
};

TEST_F(SignalMaskElisionTest, OutsideAScopeSigprocmaskIsTheRealCall) {
  const sigset_t usr1 = Only(SIGUSR1);
  ASSERT_EQ(sigprocmask(SIG_BLOCK, &usr1, nullptr), 0);
  EXPECT_TRUE(Blocked(SIGUSR1));
  sigset_t old;
  ASSERT_EQ(sigprocmask(SIG_UNBLOCK, &usr1, &old), 0);
  EXPECT_EQ(sigismember(&old, SIGUSR1), 1);
  EXPECT_FALSE(Blocked(SIGUSR1));
}

TEST_F(SignalMaskElisionTest, InsideAScopeTheMaskStaysAndTheOldOneIsTheScopeStart) {
  const sigset_t usr2 = Only(SIGUSR2);
  ASSERT_EQ(pthread_sigmask(SIG_SETMASK, &usr2, nullptr), 0);
  {
    ScopedSignalMaskElision elision;
    // What libunwind's lock does: block everything, remember the old mask, restore it.
    sigset_t full;
    sigfillset(&full);
    sigset_t old;
    sigemptyset(&old);
    ASSERT_EQ(sigprocmask(SIG_SETMASK, &full, &old), 0);
    EXPECT_FALSE(Blocked(SIGUSR1)) << "the mask changed inside the scope";
    EXPECT_TRUE(Blocked(SIGUSR2));
    EXPECT_EQ(sigismember(&old, SIGUSR2), 1);
    EXPECT_EQ(sigismember(&old, SIGUSR1), 0);
    {
      ScopedSignalMaskElision nested;
      ASSERT_EQ(sigprocmask(SIG_SETMASK, &full, nullptr), 0);
    }
    // Still inside the outer scope.
    ASSERT_EQ(sigprocmask(SIG_SETMASK, &full, nullptr), 0);
    EXPECT_FALSE(Blocked(SIGUSR1));
    ASSERT_EQ(sigprocmask(SIG_SETMASK, &old, nullptr), 0);
  }
  EXPECT_TRUE(Blocked(SIGUSR2));
  EXPECT_FALSE(Blocked(SIGUSR1));
  const sigset_t usr1 = Only(SIGUSR1);
  ASSERT_EQ(sigprocmask(SIG_BLOCK, &usr1, nullptr), 0);
  EXPECT_TRUE(Blocked(SIGUSR1)) << "the real call is back";
}

TEST_F(SignalMaskElisionTest, AScopeOnOneThreadLeavesOthersTheRealCall) {
  ScopedSignalMaskElision elision;
  bool blocked_there = false;
  std::thread other([&] {
    const sigset_t usr1 = Only(SIGUSR1);
    sigprocmask(SIG_BLOCK, &usr1, nullptr);
    blocked_there = Blocked(SIGUSR1);
  });
  other.join();
  EXPECT_TRUE(blocked_there);
}

}  // namespace
}  // namespace ddcrash
