#include "dac/dac_confinement.h"

#include <grp.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>

#include "gtest/gtest.h"
#include "ptrace/fake_process_memory.h"

namespace ddcrash::dac {
namespace {

ProcessCredentials Credentials(uid_t uid, gid_t gid, std::vector<gid_t> groups = {}) {
  return ProcessCredentials{uid, gid, std::move(groups)};
}

TEST(MustDropTo, SameCredentialsNeedNoDrop) {
  EXPECT_FALSE(MustDropTo(Credentials(1000, 1000, {4, 27}), Credentials(1000, 1000, {4, 27})));
  EXPECT_FALSE(MustDropTo(Credentials(0, 0), Credentials(0, 0)));
}

TEST(MustDropTo, TheSameUnprivilegedUserKeepsItsOwnGroups) {
  EXPECT_FALSE(MustDropTo(Credentials(1000, 1000, {4, 27}), Credentials(1000, 1000)));
  EXPECT_FALSE(MustDropTo(Credentials(1000, 1000), Credentials(1000, 100)));
}

TEST(MustDropTo, RootDropsToAnyOtherCredentials) {
  EXPECT_TRUE(MustDropTo(Credentials(0, 0), Credentials(1000, 1000)));
  EXPECT_TRUE(MustDropTo(Credentials(0, 0, {0, 4}), Credentials(0, 0)));  // fewer groups
  EXPECT_TRUE(MustDropTo(Credentials(0, 0), Credentials(0, 1000)));
  EXPECT_TRUE(MustDropTo(Credentials(1000, 1000), Credentials(1001, 1001)));
}

// Run in a child: confinement changes the process for good.
int InChild(const std::function<int()>& body) {
  pid_t child = fork();
  if (child == 0) _exit(body());
  int status = 0;
  waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(ConfineDacProcess, OwnProcessOnlySetsNoNewPrivs) {
  EXPECT_EQ(InChild([] {
              FakeProcessMemory memory;
              const ProcessCredentials before = CurrentCredentials();
              if (!ConfineDacProcess(getppid(), memory).ok()) return 1;
              if (!(CurrentCredentials() == before)) return 2;
              return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? 0 : 3;
            }),
            0);
}

TEST(ConfineDacProcess, UnknownTargetIsRefused) {
  FakeProcessMemory memory;
  absl::Status status = ConfineDacProcess(0x7ffffff0, memory);
  EXPECT_TRUE(absl::IsPermissionDenied(status)) << status;
}

TEST(ConfineDacProcess, AnUnprivilegedReporterCannotBecomeAnotherUser) {
  ASSERT_EQ(geteuid(), 0u) << "this test needs root to make two users' processes";
  constexpr uid_t kNobody = 65534;
  EXPECT_EQ(InChild([] {
              // The "reporter" is nobody; the "target" (our parent, the test) is root.
              if (setgroups(0, nullptr) != 0 || setresgid(kNobody, kNobody, kNobody) != 0 ||
                  setresuid(kNobody, kNobody, kNobody) != 0) {
                return 1;
              }
              FakeProcessMemory memory;
              absl::Status status = ConfineDacProcess(getppid(), memory);
              return absl::IsPermissionDenied(status) && geteuid() == kNobody ? 0 : 2;
            }),
            0);
}

}  // namespace
}  // namespace ddcrash::dac
