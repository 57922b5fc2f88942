#include "unwind/live_native_unwinder.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "unwind/fixture_process.h"

namespace ddcrash {
namespace {

TEST(LiveNativeUnwinderTest, WalksThenNamesAFrozenThread) {
  absl::StatusOr<std::unique_ptr<FixtureProcess>> process =
      FixtureProcess::Start({"unwind/testdata/fixture", "recursion"});
  ASSERT_TRUE(process.ok()) << process.status();
  LiveNativeUnwinder unwinder((*process)->frozen());
  absl::StatusOr<UnwoundStack> stack = unwinder.Unwind((*process)->main_thread(), 16);
  ASSERT_TRUE(stack.ok()) << stack.status();
  // The fixture recurses 400 deep: the cap cuts the walk.
  EXPECT_EQ(stack->frames.size(), 16u);
  EXPECT_TRUE(stack->truncated);
  EXPECT_EQ(stack->end, WalkEnd::kFrameLimit);
  for (const NativeFrame& frame : stack->frames) EXPECT_TRUE(frame.function.empty());

  unwinder.NameFrames(*stack);
  std::vector<std::string> names;
  for (const NativeFrame& frame : stack->frames) {
    if (absl::StartsWith(frame.function, "fixture::")) names.push_back(frame.function);
  }
  ASSERT_FALSE(names.empty());
  EXPECT_EQ(names[0], "fixture::Block()");
  EXPECT_EQ(names.back(), "fixture::Recurse(int)");

  absl::StatusOr<UnwoundStack> whole = unwinder.Unwind((*process)->main_thread(), 1024);
  ASSERT_TRUE(whole.ok()) << whole.status();
  EXPECT_EQ(whole->end, WalkEnd::kOutermostFrame);
  EXPECT_FALSE(whole->truncated);
}

}  // namespace
}  // namespace ddcrash
