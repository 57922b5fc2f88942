#include "ptrace/fake_process_snapshot.h"

#include <cstdint>
#include <vector>

#include "gtest/gtest.h"

namespace ddcrash {
namespace {

TEST(FakeProcessSnapshotTest, ServesWhatTheTestGave) {
  FakeProcessSnapshot snapshot(42);
  ThreadState thread;
  thread.tid = 43;
  thread.name = "worker";
  thread.stopped = true;
  thread.regs.rip = 0x1234;
  snapshot.AddThread(thread);
  LoadedModule module;
  module.path = "/lib/x.so";
  module.base = 0x1000;
  module.end = 0x2000;
  snapshot.set_modules(ModuleMap({}, {module}));
  snapshot.fake_memory().AddValue<uint64_t>(0x8000, 77);

  ProcessSnapshot& base = snapshot;
  EXPECT_EQ(base.pid(), 42);
  ASSERT_EQ(base.threads().size(), 1u);
  EXPECT_EQ(base.threads()[0].name, "worker");
  EXPECT_EQ(base.threads()[0].regs.rip, 0x1234u);
  EXPECT_EQ(base.modules().FindModule(0x1234)->path, "/lib/x.so");
  EXPECT_EQ(*base.memory().ReadValue<uint64_t>(0x8000), 77u);
}

}  // namespace
}  // namespace ddcrash
