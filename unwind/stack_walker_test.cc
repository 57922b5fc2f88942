#include "unwind/stack_walker.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "unwind/fixture_process.h"
#include "unwind/symbolizer.h"
#include "unwind/unwinder.h"

namespace ddcrash {
namespace {

using ::testing::ElementsAreArray;

std::vector<std::string> ExpectedRecursion() {
  std::vector<std::string> expected = {"fixture::Block()"};
  for (int i = 0; i <= 400; ++i) expected.push_back("fixture::Recurse(int)");
  expected.insert(expected.end(), {"fixture::LevelB()", "fixture::LevelA()", "main"});
  return expected;
}

std::vector<std::string> FixtureFunctions(const UnwoundStack& stack) {
  std::vector<std::string> out;
  for (const NativeFrame& frame : stack.frames) {
    if (absl::StartsWith(frame.function, "fixture::") || frame.function == "main") {
      out.push_back(frame.function);
    }
  }
  return out;
}

UnwoundStack Walk(FixtureProcess& process) {
  UnwindOptions options;
  options.pid = process.pid();
  Symbolizer symbolizer(SymbolizerOptions{.pid = process.pid()});
  RemoteUnwinder unwinder(process.frozen().memory(), process.frozen().modules(), process.pid(),
                          &symbolizer);
  absl::StatusOr<UnwoundStack> stack = unwinder.Unwind(process.main_thread(), options);
  EXPECT_TRUE(stack.ok()) << stack.status();
  if (!stack.ok()) return UnwoundStack();
  SymbolizeFrames(process.frozen().modules(), symbolizer, *stack);
  return *stack;
}

TEST(StackWalkerTest, SymbolizesEveryFrame) {
  absl::StatusOr<std::unique_ptr<FixtureProcess>> process =
      FixtureProcess::Start({"unwind/testdata/fixture", "recursion"});
  ASSERT_TRUE(process.ok()) << process.status();
  UnwoundStack stack = Walk(**process);
  EXPECT_THAT(FixtureFunctions(stack), ElementsAreArray(ExpectedRecursion()));
  const ModuleMap& modules = (*process)->frozen().modules();
  for (const NativeFrame& frame : stack.frames) {
    EXPECT_FALSE(frame.function.empty()) << std::hex << frame.ip;
  }
  // Block's module is the fixture, which has a build id; mangled names are kept.
  size_t block = 0;
  while (block < stack.frames.size() && stack.frames[block].function != "fixture::Block()") {
    ++block;
  }
  ASSERT_LT(block + 1, stack.frames.size());
  EXPECT_EQ(stack.frames[block].mangled_name, "_ZN7fixture5BlockEv");
  const LoadedModule* block_module = modules.FindModule(stack.frames[block].LookupAddress());
  ASSERT_NE(block_module, nullptr);
  EXPECT_TRUE(absl::EndsWith(block_module->path, "unwind/testdata/fixture"));
  // A return address is attributed through ip - 1: the offset is > 0 and within the function.
  EXPECT_GT(stack.frames[block + 1].function_offset, 0u);
}

TEST(StackWalkerTest, StrippedBinarySymbolizedFromSeparateDebugFile) {
  absl::StatusOr<std::unique_ptr<FixtureProcess>> process =
      FixtureProcess::Start({"unwind/testdata/fixture_stripped", "recursion"});
  ASSERT_TRUE(process.ok()) << process.status();
  UnwoundStack stack = Walk(**process);
  EXPECT_THAT(FixtureFunctions(stack), ElementsAreArray(ExpectedRecursion()));
  EXPECT_TRUE(stack.reached_end()) << static_cast<int>(stack.end);
}

TEST(StackWalkerTest, DeletedExecutableReadThroughMapFiles) {
  const char* tmp = getenv("TEST_TMPDIR");
  std::string copy = std::string(tmp != nullptr ? tmp : "/tmp") + "/fixture_deleted";
  {
    std::ifstream in("unwind/testdata/fixture", std::ios::binary);
    std::ofstream out(copy, std::ios::binary);
    out << in.rdbuf();
  }
  ASSERT_EQ(chmod(copy.c_str(), 0755), 0);
  absl::StatusOr<std::unique_ptr<FixtureProcess>> process =
      FixtureProcess::Start({copy, "recursion"}, copy);
  ASSERT_TRUE(process.ok()) << process.status();
  UnwoundStack stack = Walk(**process);
  ASSERT_GT(stack.frames.size(), 1u);
  const LoadedModule* module =
      (*process)->frozen().modules().FindModule(stack.frames[1].LookupAddress());
  ASSERT_NE(module, nullptr);
  EXPECT_TRUE(module->deleted);
  EXPECT_EQ(module->path, copy);
  EXPECT_THAT(FixtureFunctions(stack), ElementsAreArray(ExpectedRecursion()));
}

}  // namespace
}  // namespace ddcrash
