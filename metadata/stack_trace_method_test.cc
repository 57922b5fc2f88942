#include "metadata/stack_trace_method.h"

#include <cstdlib>
#include <fstream>
#include <map>
#include <string>

#include "binary/file.h"
#include "gtest/gtest.h"
#include "pdb/testing/fixtures.h"
#include "pe/pe_image.h"

namespace ddcrash::metadata {
namespace {

// Every method of an assembly described, by text (the runtime's own spelling, checked against
// the runtime's "Unhandled exception." traces of tests/dotnet_e2e/exceptions.py).
// The metadata of a test app's assembly; empty when it cannot be read (the test then fails).
std::string MetadataOf(const std::string& file) {
  absl::StatusOr<std::string> path = pdb::testing::TestAppFile("net8.0", file);
  EXPECT_TRUE(path.ok()) << path.status();
  if (!path.ok()) return "";
  absl::StatusOr<pe::PeImage> image = pe::PeImage::FromFile(*path);
  EXPECT_TRUE(image.ok()) << image.status();
  if (!image.ok()) return "";
  absl::StatusOr<std::string> md = image->Metadata();
  EXPECT_TRUE(md.ok()) << md.status();
  return md.ok() ? *md : "";
}

uint32_t Le(const std::string& bytes, size_t at, int size) {
  uint32_t v = 0;
  for (int i = size - 1; i >= 0; --i) v = v << 8 | static_cast<uint8_t>(bytes.at(at + i));
  return v;
}

// `md` with the tables stream's Sorted mask cleared: every search of a table becomes a scan.
std::string Unsorted(std::string md) {
  size_t at = 16 + Le(md, 12, 4) + 2;  // past the root's version string and flags
  const uint32_t streams = Le(md, at, 2);
  at += 2;
  for (uint32_t i = 0; i < streams; ++i) {
    const uint32_t offset = Le(md, at, 4);
    const std::string name = md.c_str() + at + 8;
    if (name == "#~") {
      for (int b = 16; b < 24; ++b) md.at(offset + b) = 0;
    }
    at += 8 + ((name.size() + 4) & ~size_t{3});
  }
  return md;
}

// Every `stride`th method.
std::map<std::string, StackTraceMethod> DescribeAllIn(const std::string& md, int* failures,
                                                      uint32_t stride = 1) {
  std::map<std::string, StackTraceMethod> out;
  absl::StatusOr<MetadataReader> reader = MetadataReader::Parse(md);
  EXPECT_TRUE(reader.ok()) << reader.status();
  if (!reader.ok()) return out;
  *failures = 0;
  for (uint32_t row = 1; row <= reader->RowCount(Table::kMethodDef); row += stride) {
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

std::map<std::string, StackTraceMethod> DescribeAll(const std::string& file, int* failures) {
  return DescribeAllIn(MetadataOf(file), failures);
}

// Each description with its flags, comparable.
std::map<std::string, std::pair<bool, bool>> Flags(const std::map<std::string, StackTraceMethod>& all) {
  std::map<std::string, std::pair<bool, bool>> out;
  for (const auto& [text, m] : all) out[text] = {m.hidden, m.async};
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

TEST(StackTraceMethodTest, SearchingSortedTablesDescribesAsScanningThemDoes) {
  // Scanning CoreLib's tables for every one of its methods takes 40 s: every 37th.
  for (auto [file, stride] : {std::pair<const char*, uint32_t>{"Ddcrash.TestApp.dll", 1},
                              {"System.Private.CoreLib.dll", 37}}) {
    const std::string md = MetadataOf(file);
    absl::StatusOr<MetadataReader> reader = MetadataReader::Parse(md);
    ASSERT_TRUE(reader.ok()) << reader.status();
    // What the compilers write, and II.22 asks: the tables searched are marked sorted.
    EXPECT_TRUE(reader->Sorted(static_cast<Table>(0x0C))) << file;  // CustomAttribute
    EXPECT_TRUE(reader->Sorted(static_cast<Table>(0x29))) << file;  // NestedClass
    EXPECT_TRUE(reader->Sorted(static_cast<Table>(0x2A))) << file;  // GenericParam
    const std::string unsorted = Unsorted(md);
    ASSERT_FALSE(MetadataReader::Parse(unsorted)->Sorted(static_cast<Table>(0x0C)));
    int failures = -1, unsorted_failures = -2;
    std::map<std::string, StackTraceMethod> searched = DescribeAllIn(md, &failures, stride);
    std::map<std::string, StackTraceMethod> scanned =
        DescribeAllIn(unsorted, &unsorted_failures, stride);
    EXPECT_EQ(failures, unsorted_failures) << file;
    EXPECT_GT(searched.size(), 10u) << file;
    EXPECT_TRUE(Flags(searched) == Flags(scanned)) << file;
  }
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
  absl::StatusOr<std::string> bytes = binary::ReadFileBounded(*path, pe::PeImage::kMaxImageSize);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  const std::string exe = std::string(getenv("TEST_TMPDIR")) + "/single_file_app";
  std::ofstream(exe, std::ios::binary | std::ios::trunc)
      << std::string(4096, 'h') << *bytes << "manifest";
  const std::string name = "/nonexistent/app/Ddcrash.TestApp.dll";
  std::map<std::string, binary::FileRange> in_exe;
  in_exe[name] = binary::FileRange{exe, 4096, bytes->size()};
  StackTraceMethodNamer namer(std::move(in_exe));
  std::optional<StackTraceMethod> m = namer.Describe(name, 0x06000001);
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->text, StackTraceMethodNamer().Describe(*path, 0x06000001)->text);
}

}  // namespace
}  // namespace ddcrash::metadata
