#include "dac/isolated_dac.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "gtest/gtest.h"
#include "ptrace/fake_process_memory.h"

namespace ddcrash::dac {
namespace {

TEST(IsolatedDac, ChildErrorsComeBackAsTheirStatus) {
  FakeProcessMemory memory;  // no runtime in it
  absl::StatusOr<ManagedState> s = CollectManagedStateIsolated(memory, {}, {});
  EXPECT_TRUE(absl::IsNotFound(s.status())) << s.status();
  EXPECT_NE(s.status().message().find("no .NET runtime"), std::string::npos);
}

TEST(IsolatedDac, ACrashCostsOnlyTheStage) {
  FakeProcessMemory memory;
  IsolatedDacOptions options;
  // The default action, as in a real fault; sanitizers' own SIGSEGV handlers must not turn it
  // into an abort.
  options.child_hook_for_testing = [] {
    signal(SIGSEGV, SIG_DFL);
    raise(SIGSEGV);
  };
  absl::StatusOr<ManagedState> s = CollectManagedStateIsolated(memory, {}, {}, options);
  ASSERT_TRUE(absl::IsInternal(s.status())) << s.status();
  EXPECT_NE(s.status().message().find("SIGSEGV"), std::string::npos) << s.status();
}

TEST(IsolatedDac, AHangIsKilledAtTheTimeout) {
  FakeProcessMemory memory;
  IsolatedDacOptions options;
  options.timeout = absl::Milliseconds(200);
  options.child_hook_for_testing = [] {
    while (true) pause();
  };
  absl::Time start = absl::Now();
  absl::StatusOr<ManagedState> s = CollectManagedStateIsolated(memory, {}, {}, options);
  EXPECT_TRUE(absl::IsDeadlineExceeded(s.status())) << s.status();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

}  // namespace
}  // namespace ddcrash::dac
