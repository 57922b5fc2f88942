#include "dac/nativeaot_crash_info.h"

#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "ptrace/fake_process_memory.h"

namespace ddcrash::dac {
namespace {

std::string Corpus(const std::string& name) {
  std::ifstream in("dac/testdata/nativeaot_triage_corpus/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// As NativeAOT 10.0.12 wrote it for an unhandled exception on a worker thread.
TEST(NativeAotTriageTest, UnhandledExceptionOfARealCrash) {
  absl::StatusOr<NativeAotCrashInfo> info = ParseNativeAotTriage(Corpus("good_net10_worker.json"));
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->runtime_version, "10.0.12");
  EXPECT_EQ(info->thread, 0x7B94u);
  EXPECT_EQ(info->message, "ddcrash shapes: worker fault");
  ASSERT_TRUE(info->has_exception);
  EXPECT_EQ(info->exception.type, "System.InvalidOperationException");
  EXPECT_EQ(info->exception.message, "ddcrash shapes: worker fault");
  EXPECT_EQ(static_cast<uint32_t>(info->exception.hresult), 0x80131509u);
  EXPECT_EQ(info->exception.object, 0x7F6C010050B0u);
  EXPECT_EQ(info->exception.stack_trace,
            "   at Ddcrash.Shapes.Crasher.Throw()\n"
            "   at System.Threading.Thread.StartThread(IntPtr)\n"
            "   at System.Threading.Thread.ThreadEntryPoint(IntPtr)");
  EXPECT_TRUE(info->exception.inner.empty());
}

TEST(NativeAotTriageTest, InnerAndAggregatedExceptions) {
  absl::StatusOr<NativeAotCrashInfo> info = ParseNativeAotTriage(Corpus("good_aggregate_inner.json"));
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->exception.message, "outer \"quoted\"");
  ASSERT_EQ(info->exception.inner.size(), 1u);
  EXPECT_EQ(info->exception.inner[0].type, "System.InvalidOperationException");
  ASSERT_EQ(info->exception.inner_exceptions.size(), 2u);
  EXPECT_EQ(info->exception.inner_exceptions[1].message, "b");
  ASSERT_EQ(info->exception.inner_exceptions[1].inner.size(), 1u);
  EXPECT_EQ(info->exception.inner_exceptions[1].inner[0].message, "c");
}

TEST(NativeAotTriageTest, FailFastWithoutExceptionAndDepthBound) {
  absl::StatusOr<NativeAotCrashInfo> info =
      ParseNativeAotTriage(Corpus("good_failfast_no_exception.json"));
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_FALSE(info->has_exception);
  EXPECT_EQ(info->message, "Environment.FailFast was called");
  info = ParseNativeAotTriage(Corpus("good_inner_10_deep.json"));
  ASSERT_TRUE(info.ok()) << info.status();
  int depth = 0;
  for (const ManagedException* e = &info->exception; !e->inner.empty(); e = &e->inner[0]) ++depth;
  EXPECT_EQ(depth, kMaxTriageExceptionDepth);
  EXPECT_FALSE(ParseNativeAotTriage(Corpus("bad_truncated.json")).ok());
  EXPECT_FALSE(ParseNativeAotTriage(std::string(kMaxTriageSize + 1, ' ')).ok());
}

// The EXCEPTION_RECORD FailFast builds: code, flags, record, address, count, information[].
struct Record {
  uint32_t code = 0xC0000409;
  uint32_t flags = 1;
  uint64_t record = 0;
  uint64_t address = 0;
  uint32_t parameters = 4;
  uint32_t padding = 0;
  uint64_t information[15] = {0x48, 0x80131509, 0, 0};
};
static_assert(sizeof(Record) == 152);

TEST(NativeAotCrashInfoTest, ReadsTheRecordThenTheTriageBuffer) {
  const std::string json = Corpus("good_net10_worker.json");
  FakeProcessMemory memory;
  Record record;
  record.information[2] = 0x20000;
  record.information[3] = json.size();
  memory.AddValue(0x10000, record);
  memory.AddRegion(0x20000, json);
  absl::StatusOr<NativeAotCrashInfo> info = ReadNativeAotCrashInfo(memory, 0x10000);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->exception.type, "System.InvalidOperationException");

  Record other = record;
  other.code = 0xC0000005;  // not a NativeAOT fail-fast
  memory.AddValue(0x30000, other);
  EXPECT_TRUE(absl::IsNotFound(ReadNativeAotCrashInfo(memory, 0x30000).status()));
  Record empty = record;
  empty.information[2] = 0;
  memory.AddValue(0x40000, empty);
  EXPECT_TRUE(absl::IsNotFound(ReadNativeAotCrashInfo(memory, 0x40000).status()));
  Record huge = record;
  huge.information[3] = kMaxTriageSize + 1;
  memory.AddValue(0x50000, huge);
  EXPECT_TRUE(absl::IsInvalidArgument(ReadNativeAotCrashInfo(memory, 0x50000).status()));
  EXPECT_FALSE(ReadNativeAotCrashInfo(memory, 0x90000).ok());  // unreadable
}

}  // namespace
}  // namespace ddcrash::dac
