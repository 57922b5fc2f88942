#include "dac/live_managed_state_source.h"

#include <sys/wait.h>

#include <unistd.h>

#include <cerrno>

#include "gtest/gtest.h"
#include "ptrace/fake_process_snapshot.h"

namespace ddcrash::dac {
namespace {

// With a .NET runtime, the live source is exercised end to end by tests/dotnet_e2e (real
// runtimes, real DACs); here, the answer for a process without one.
TEST(LiveManagedStateSourceTest, AProcessWithoutARuntimeHostsNone) {
  FakeProcessSnapshot process;
  LiveManagedStateSource source;
  absl::StatusOr<FoundRuntime> runtime = source.FindRuntime(process);
  EXPECT_TRUE(absl::IsNotFound(runtime.status())) << runtime.status();
}

// Nothing to start early without a runtime; Collect then starts its own DAC process, whose
// answer says there is no runtime.
TEST(LiveManagedStateSourceTest, StartEarlyWithoutARuntimeStartsNothing) {
  FakeProcessSnapshot process(getpid());
  LiveManagedStateSource source;
  source.StartEarly(process, ManagedStateRequest{});
  errno = 0;
  EXPECT_EQ(waitpid(-1, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
  ManagedStateRequest request;
  request.timeout = absl::Seconds(10);
  absl::StatusOr<ManagedState> state = source.Collect(process, request);
  EXPECT_TRUE(absl::IsNotFound(state.status())) << state.status();
}

}  // namespace
}  // namespace ddcrash::dac
