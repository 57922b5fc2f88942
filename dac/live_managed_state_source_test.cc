#include "dac/live_managed_state_source.h"

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

}  // namespace
}  // namespace ddcrash::dac
