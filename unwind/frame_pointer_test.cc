#include "unwind/frame_pointer.h"

#include "gtest/gtest.h"
#include "ptrace/fake_process_memory.h"
#include "ptrace/module_map.h"

namespace ddcrash {
namespace {

constexpr uint64_t kStack = 0x7ffd0000;
constexpr uint64_t kCode = 0x400000;

ModuleMap Map() {
  Mapping stack;
  stack.start = kStack;
  stack.end = kStack + 0x10000;
  stack.readable = stack.writable = true;
  stack.path = "[stack]";
  Mapping code;
  code.start = kCode;
  code.end = kCode + 0x1000;
  code.readable = code.executable = true;
  code.path = "/bin/app";
  code.inode = 1;
  LoadedModule module;
  module.path = "/bin/app";
  module.base = kCode;
  module.end = kCode + 0x1000;
  return ModuleMap({code, stack}, {module});
}

TEST(FramePointerTest, FollowsChain) {
  FakeProcessMemory memory;
  memory.AddValue<uint64_t>(kStack + 0x100, kStack + 0x200);  // saved rbp
  memory.AddValue<uint64_t>(kStack + 0x108, kCode + 0x42);    // return address
  ModuleMap modules = Map();
  absl::StatusOr<FramePointerStep> step = StepFramePointer(memory, modules, kStack + 0x80, kStack + 0x100);
  ASSERT_TRUE(step.ok()) << step.status();
  EXPECT_EQ(step->ip, kCode + 0x42);
  EXPECT_EQ(step->sp, kStack + 0x110);
  EXPECT_EQ(step->rbp, kStack + 0x200);
}

TEST(FramePointerTest, Validates) {
  FakeProcessMemory memory;
  memory.AddValue<uint64_t>(kStack + 0x100, kStack + 0x200);
  memory.AddValue<uint64_t>(kStack + 0x108, 0x12345678);  // not code
  ModuleMap modules = Map();
  EXPECT_FALSE(StepFramePointer(memory, modules, kStack + 0x80, kStack + 0x100).ok());
  EXPECT_FALSE(StepFramePointer(memory, modules, kStack + 0x80, kStack + 0x101).ok());  // aligned
  EXPECT_FALSE(StepFramePointer(memory, modules, kStack + 0x80, kStack + 0x40).ok());   // below sp
  EXPECT_FALSE(StepFramePointer(memory, modules, kStack + 0x80, 0x1000).ok());  // off stack
  EXPECT_FALSE(StepFramePointer(memory, modules, kStack + 0x80, kStack + 0xfff8).ok());  // at end
  EXPECT_FALSE(StepFramePointer(memory, modules, 0x10, 0x20).ok());  // sp in no mapping
  EXPECT_FALSE(StepFramePointer(memory, modules, kStack, kStack + 0x300).ok());  // unreadable
}

TEST(FramePointerTest, SigreturnTrampoline) {
  FakeProcessMemory memory;
  memory.AddRegion(kCode, std::vector<uint8_t>{0x48, 0xc7, 0xc0, 0x0f, 0x00, 0x00, 0x00, 0x0f, 0x05});
  EXPECT_TRUE(IsSigreturnTrampoline(memory, kCode));
  EXPECT_FALSE(IsSigreturnTrampoline(memory, kCode + 1));
  EXPECT_FALSE(IsSigreturnTrampoline(memory, 0));
}

}  // namespace
}  // namespace ddcrash
