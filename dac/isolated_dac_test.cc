#include "dac/isolated_dac.h"

#include <signal.h>
#include <stdlib.h>
#include <grp.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ptrace/fake_process_snapshot.h"

namespace ddcrash::dac {
namespace {

using ::testing::HasSubstr;

TEST(IsolatedDac, ChildErrorsComeBackAsTheirStatus) {
  FakeProcessSnapshot snapshot(getpid());  // no runtime in its memory
  absl::StatusOr<ManagedState> s = CollectManagedStateIsolated(snapshot);
  EXPECT_TRUE(absl::IsNotFound(s.status())) << s.status();
  EXPECT_THAT(s.status().message(), HasSubstr("no .NET runtime"));
}

TEST(IsolatedDac, ACrashCostsOnlyTheStage) {
  FakeProcessSnapshot snapshot(getpid());
  IsolatedDacOptions options;
  // The default action, as in a real fault; sanitizers' own SIGSEGV handlers must not turn it
  // into an abort.
  options.child_hook_for_testing = [] {
    signal(SIGSEGV, SIG_DFL);
    raise(SIGSEGV);
  };
  absl::StatusOr<ManagedState> s = CollectManagedStateIsolated(snapshot, options);
  ASSERT_TRUE(absl::IsInternal(s.status())) << s.status();
  EXPECT_THAT(s.status().message(), HasSubstr("SIGSEGV"));
}

TEST(IsolatedDac, AHangIsKilledAtTheTimeout) {
  FakeProcessSnapshot snapshot(getpid());
  IsolatedDacOptions options;
  options.timeout = absl::Milliseconds(200);
  options.child_hook_for_testing = [] {
    while (true) pause();
  };
  absl::Time start = absl::Now();
  absl::StatusOr<ManagedState> s = CollectManagedStateIsolated(snapshot, options);
  EXPECT_TRUE(absl::IsDeadlineExceeded(s.status())) << s.status();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

// Start forks at once; the child waits for Finish's addresses before it collects, so a slow
// native walk between the two costs nothing but the wait.
TEST(IsolatedDac, StartThenFinishGivesTheChildsResult) {
  FakeProcessSnapshot snapshot(getpid());
  IsolatedDacOptions options;
  absl::StatusOr<std::unique_ptr<IsolatedDac>> dac = IsolatedDac::Start(snapshot, options);
  ASSERT_TRUE(dac.ok()) << dac.status();
  absl::SleepFor(absl::Milliseconds(20));  // the native walk
  absl::StatusOr<ManagedState> s = (*dac)->Finish({0x1000, 0x2000}, absl::Seconds(10));
  EXPECT_TRUE(absl::IsNotFound(s.status())) << s.status();
}

// A child that died before reading the addresses: Finish says how it died (its write to the
// closed pipe neither kills the caller with SIGPIPE nor blocks).
TEST(IsolatedDac, FinishAfterTheChildDiedSaysHow) {
  FakeProcessSnapshot snapshot(getpid());
  IsolatedDacOptions options;
  options.child_hook_for_testing = [] { _exit(9); };
  absl::StatusOr<std::unique_ptr<IsolatedDac>> dac = IsolatedDac::Start(snapshot, options);
  ASSERT_TRUE(dac.ok()) << dac.status();
  absl::SleepFor(absl::Milliseconds(100));  // it is gone by now
  std::vector<uint64_t> many(100000, 0x1000);  // more than a pipe holds
  absl::StatusOr<ManagedState> s = (*dac)->Finish(many, absl::Seconds(10));
  EXPECT_TRUE(absl::IsInternal(s.status())) << s.status();
  EXPECT_THAT(s.status().message(), HasSubstr("status 9"));
}

// A child stuck before it reads: more addresses than the pipe holds must not block Finish
// past its timeout.
TEST(IsolatedDac, AStuckChildCannotBlockTheRequest) {
  FakeProcessSnapshot snapshot(getpid());
  IsolatedDacOptions options;
  options.child_hook_for_testing = [] {
    while (true) pause();
  };
  absl::StatusOr<std::unique_ptr<IsolatedDac>> dac = IsolatedDac::Start(snapshot, options);
  ASSERT_TRUE(dac.ok()) << dac.status();
  std::vector<uint64_t> many(100000, 0x1000);
  absl::Time start = absl::Now();
  absl::StatusOr<ManagedState> s = (*dac)->Finish(many, absl::Milliseconds(200));
  EXPECT_TRUE(absl::IsDeadlineExceeded(s.status())) << s.status();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

// Abandoning a started stage (the capture gave up before the DAC) kills and reaps its child.
TEST(IsolatedDac, DestroyingAnUnfinishedOneReapsItsChild) {
  FakeProcessSnapshot snapshot(getpid());
  IsolatedDacOptions options;
  options.child_hook_for_testing = [] {
    while (true) pause();
  };
  absl::StatusOr<std::unique_ptr<IsolatedDac>> dac = IsolatedDac::Start(snapshot, options);
  ASSERT_TRUE(dac.ok()) << dac.status();
  dac->reset();
  // No child is left: neither running nor a zombie.
  errno = 0;
  EXPECT_EQ(waitpid(-1, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

// Root reporting on another user's process: the DAC process runs as that user, with its groups,
// and can gain no privilege back (the hook sees it after confinement, where the DAC would load).
TEST(IsolatedDac, TheDacProcessRunsAsTheTargetsUser) {
  ASSERT_EQ(geteuid(), 0u) << "this test needs root: it reports on another user's process";
  constexpr uid_t kNobody = 65534;
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t target = fork();
  ASSERT_GE(target, 0);
  if (target == 0) {
    if (setgroups(0, nullptr) != 0 || setresgid(kNobody, kNobody, kNobody) != 0 ||
        setresuid(kNobody, kNobody, kNobody) != 0) {
      _exit(1);
    }
    (void)!write(ready[1], "r", 1);
    while (true) pause();
  }
  char c;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  FakeProcessSnapshot snapshot(target);
  IsolatedDacOptions options;
  options.child_hook_for_testing = [] {
    uid_t r, e, s;
    gid_t rg, eg, sg;
    getresuid(&r, &e, &s);
    getresgid(&rg, &eg, &sg);
    const bool dropped = r == kNobody && e == kNobody && s == kNobody && rg == kNobody &&
                         eg == kNobody && sg == kNobody && getgroups(0, nullptr) == 0;
    _exit(dropped && prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? 42 : 43);
  };
  absl::StatusOr<ManagedState> s = CollectManagedStateIsolated(snapshot, options);
  kill(target, SIGKILL);
  waitpid(target, nullptr, 0);
  EXPECT_THAT(s.status().message(), HasSubstr("exited with status 42")) << s.status();
}

TEST(IsolatedDac, ATargetWhoseOwnerCannotBeReadGetsNoDac) {
  FakeProcessSnapshot snapshot(0x7ffffff0);
  absl::StatusOr<ManagedState> s = CollectManagedStateIsolated(snapshot);
  EXPECT_TRUE(absl::IsPermissionDenied(s.status())) << s.status();
  EXPECT_THAT(s.status().message(), HasSubstr("cannot tell whom the target runs as"));
}

}  // namespace
}  // namespace ddcrash::dac
