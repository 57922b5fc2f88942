#include "metadata/stack_trace_method.h"

#include <cstdlib>
#include <fstream>
#include <map>
#include <string>

#include "gtest/gtest.h"
#include "pdb/testing/fixtures.h"
#include "pe/pe_image.h"

namespace ddcrash::metadata {
namespace {

// Every method of an assembly described, by text (the runtime's own spelling, checked against
// the runtime's "Unhandled exception." traces of tests/dotnet_e2e/exceptions.py).
std::map<std::string, StackTraceMethod> DescribeAll(const std::string& file, int* failures) {
  absl::StatusOr<std::string> path = pdb::testing::TestAppFile("net8.0", file);
  EXPECT_TRUE(path.ok()) << path.status();
  std::map<std::string, StackTraceMethod> out;
  if (!path.ok()) return out;
  absl::StatusOr<pe::PeImage> image = pe::PeImage::FromFile(*path);
  EXPECT_TRUE(image.ok()) << image.status();
  if (!image.ok()) return out;
  absl::StatusOr<absl::string_view> md = image->Metadata();
  EXPECT_TRUE(md.ok()) << md.status();
  if (!md.ok()) return out;
  absl::StatusOr<MetadataReader> reader = MetadataReader::Parse(*md);
  EXPECT_TRUE(reader.ok()) << reader.status();
  if (!reader.ok()) return out;
  *failures = 0;
  for (uint32_t row = 1; row <= reader->RowCount(Table::kMethodDef); ++row) {
    absl::StatusOr<StackTraceMethod> m = DescribeStackTraceMethod(*reader, 0x06000000 | row);
    if (!m.ok()) {
      ++*failures;
      continue;
    }
    // A state machine's MoveNext has its method's text; keep that one (the flags are its).
    auto [it, added] = out.emplace(m->text, *m);
    if (!added && m->async) it->second = *m;
  }
  EXPECT_FALSE(DescribeStackTraceMethod(*reader, 0x06000000 | 0xFFFFFF).ok());
  EXPECT_FALSE(DescribeStackTraceMethod(*reader, 0x02000001).ok());
  return out;
}

TEST(StackTraceMethodTest, TheTestAppsMethodsAsTheRuntimePrintsThem) {
  int failures = -1;
  std::map<std::string, StackTraceMethod> all = DescribeAll("Ddcrash.TestApp.dll", &failures);
  EXPECT_EQ(failures, 0);
  ASSERT_TRUE(all.count("Ddcrash.TestApp.Crasher.Level2(String message)"));
  EXPECT_FALSE(all["Ddcrash.TestApp.Crasher.Level2(String message)"].hidden);
  EXPECT_TRUE(all.count("Ddcrash.TestApp.Crasher.<>c.<ThrowOnWorker>b__3_0()"));
  EXPECT_TRUE(all.count("Ddcrash.TestApp.Program.Main(String[] args)"));
  // The async void method's state machine: named after the method, async.
  ASSERT_TRUE(all.count("Ddcrash.TestApp.AsyncCrasher.ThrowAfterYield()"));
  EXPECT_TRUE(all["Ddcrash.TestApp.AsyncCrasher.ThrowAfterYield()"].async);
}

TEST(StackTraceMethodTest, CoreLibMethodsHiddenGenericAndByRef) {
  int failures = -1;
  std::map<std::string, StackTraceMethod> all =
      DescribeAll("System.Private.CoreLib.dll", &failures);
  // Function-pointer parameters are not spelled (rare outside interop); nothing else fails.
  EXPECT_LT(failures, 50);
  ASSERT_TRUE(all.count("System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw()"));
  EXPECT_TRUE(all["System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw()"].hidden);
  ASSERT_TRUE(all.count("System.Runtime.CompilerServices.TaskAwaiter.ThrowForNonSuccess(Task task)"));
  EXPECT_TRUE(
      all["System.Runtime.CompilerServices.TaskAwaiter.ThrowForNonSuccess(Task task)"].hidden);
  ASSERT_TRUE(all.count("System.Number.ThrowFormatException[TChar](ReadOnlySpan`1 value)"));
  EXPECT_FALSE(all["System.Number.ThrowFormatException[TChar](ReadOnlySpan`1 value)"].hidden);
  EXPECT_TRUE(all.count("System.Int32.Parse(String s)"));
  EXPECT_TRUE(all.count(
      "System.Threading.Tasks.Task.ExecuteWithThreadLocal(Task& currentTaskSlot, Thread "
      "threadPoolThread)"));
  EXPECT_TRUE(all.count("System.Collections.Generic.Dictionary`2.FindValue(TKey key)"));
}

TEST(StackTraceMethodTest, NamerReadsEachAssemblyOnceAndSaysWhenItCannot) {
  absl::StatusOr<std::string> path = pdb::testing::TestAppFile("net8.0", "Ddcrash.TestApp.dll");
  ASSERT_TRUE(path.ok()) << path.status();
  StackTraceMethodNamer namer;
  std::optional<StackTraceMethod> m = namer.Describe(*path, 0x06000001);
  ASSERT_TRUE(m.has_value());
  EXPECT_FALSE(m->text.empty());
  EXPECT_FALSE(namer.Describe("/nonexistent/A.dll", 0x06000001).has_value());
  EXPECT_FALSE(namer.Describe(*path, 0x06FFFFFF).has_value());
}

// A single-file app's assembly: read from its range of the executable, under its name.
TEST(StackTraceMethodTest, NamerReadsBundledAssembliesFromTheExecutable) {
  absl::StatusOr<std::string> path = pdb::testing::TestAppFile("net8.0", "Ddcrash.TestApp.dll");
  ASSERT_TRUE(path.ok()) << path.status();
  absl::StatusOr<pe::PeImage> image = pe::PeImage::FromFile(*path);
  ASSERT_TRUE(image.ok()) << image.status();
  const std::string exe = std::string(getenv("TEST_TMPDIR")) + "/single_file_app";
  std::ofstream(exe, std::ios::binary | std::ios::trunc)
      << std::string(4096, 'h') << image->bytes() << "manifest";
  const std::string name = "/nonexistent/app/Ddcrash.TestApp.dll";
  std::map<std::string, BundledAssembly> in_exe;
  in_exe[name] = BundledAssembly{exe, 4096, image->bytes().size()};
  StackTraceMethodNamer namer(std::move(in_exe));
  std::optional<StackTraceMethod> m = namer.Describe(name, 0x06000001);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->text, StackTraceMethodNamer().Describe(*path, 0x06000001)->text);
}

}  // namespace
}  // namespace ddcrash::metadata
