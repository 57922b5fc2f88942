#include "cli/createdump_args.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ddcrash {
namespace {

using ::testing::HasSubstr;

struct Case {
  const char* description;
  std::vector<std::string> argv;
  pid_t pid;
  std::string name;
  DumpType type;
  std::optional<int> signal;
  std::optional<pid_t> crash_thread;
  std::optional<int> code;
  std::optional<int> error_number;
  std::optional<uint64_t> address;
  bool crash_report;
  bool crash_report_only;
  bool single_file;
  size_t warnings;
};

// Command lines as the runtime builds them (the first three observed from .NET 8 and 10).
const Case kCases[] = {
    {"unhandled exception (.NET 8/10)",
     {"/app/createdump", "--name", "/tmp/d.%p", "19919", "--signal", "6", "--crashthread", "19926"},
     19919, "/tmp/d.%p", DumpType::kDefault, 6, 19926, {}, {}, {}, false, false, false, 0},
    {"SIGSEGV with code, errno, address (.NET 8)",
     {"/app/createdump", "--name", "/tmp/d.%p", "19949", "--signal", "11", "--crashthread",
      "19949", "--code", "1", "--errno", "0", "--address", "16"},
     19949, "/tmp/d.%p", DumpType::kDefault, 11, 19949, 1, 0, 16u, false, false, false, 0},
    {"dump type, crash report and single file",
     {"/app/createdump", "--name", "/d", "--withheap", "--crashreport", "--singlefile", "77",
      "--signal", "6", "--crashthread", "78"},
     77, "/d", DumpType::kWithHeap, 6, 78, {}, {}, {}, true, false, true, 0},
    {"report only, full, diag, verbose, log file",
     {"/app/createdump", "--full", "--crashreportonly", "--diag", "--verbose", "--logtofile",
      "/tmp/log", "5"},
     5, "", DumpType::kFull, {}, {}, {}, {}, {}, false, true, false, 0},
    {"short options (.NET 6)",
     {"/app/createdump", "-f", "/tmp/x", "-t", "-d", "123"},
     123, "/tmp/x", DumpType::kTriage, {}, {}, {}, {}, {}, false, false, false, 0},
    {"normal dump, hex address",
     {"/app/createdump", "--normal", "9", "--signal", "7", "--crashthread", "9", "--code", "2",
      "--errno", "14", "--address", "0x7fff0000"},
     9, "", DumpType::kNormal, 7, 9, 2, 14, 0x7fff0000u, false, false, false, 0},
    {"unknown options are skipped with a warning",
     {"/app/createdump", "--future-option", "--name", "/n", "42", "--signal", "abc"},
     42, "/n", DumpType::kDefault, {}, {}, {}, {}, {}, false, false, false, 2},
    {"pid first",
     {"/app/createdump", "314", "--name", "/n"},
     314, "/n", DumpType::kDefault, {}, {}, {}, {}, {}, false, false, false, 0},
};

TEST(CreatedumpArgsTest, EveryForm) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.description);
    absl::StatusOr<CreatedumpArgs> args = ParseCreatedumpArgs(c.argv);
    ASSERT_TRUE(args.ok()) << args.status();
    EXPECT_EQ(args->program, "/app/createdump");
    EXPECT_EQ(args->pid, c.pid);
    EXPECT_EQ(args->dump_name, c.name);
    EXPECT_EQ(args->dump_type, c.type);
    EXPECT_EQ(args->signal, c.signal);
    EXPECT_EQ(args->crash_thread, c.crash_thread);
    EXPECT_EQ(args->code, c.code);
    EXPECT_EQ(args->error_number, c.error_number);
    EXPECT_EQ(args->address, c.address);
    EXPECT_EQ(args->crash_report, c.crash_report);
    EXPECT_EQ(args->crash_report_only, c.crash_report_only);
    EXPECT_EQ(args->single_file, c.single_file);
    EXPECT_EQ(args->warnings.size(), c.warnings);
  }
}

// NativeAOT's form (PalCreateDump.cpp): --nativeaot before the pid, and the exception record's
// address with an unhandled exception's fail-fast.
TEST(CreatedumpArgsTest, NativeAotForm) {
  absl::StatusOr<CreatedumpArgs> args = ParseCreatedumpArgs(
      {"/app/createdump", "--name", "/tmp/d.%p", "--nativeaot", "4242", "--signal", "6",
       "--crashthread", "4243", "--exception-record", "140737488355328"});
  ASSERT_TRUE(args.ok()) << args.status();
  EXPECT_TRUE(args->native_aot);
  EXPECT_EQ(args->pid, 4242);
  EXPECT_EQ(args->signal, 6);
  EXPECT_EQ(args->crash_thread, 4243);
  EXPECT_EQ(args->exception_record, uint64_t{140737488355328});
  EXPECT_TRUE(args->warnings.empty());
  absl::StatusOr<CreatedumpArgs> plain = ParseCreatedumpArgs({"/app/createdump", "7"});
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->native_aot);
  EXPECT_FALSE(plain->exception_record.has_value());
  absl::StatusOr<CreatedumpArgs> bad = ParseCreatedumpArgs(
      {"/app/createdump", "--nativeaot", "8", "--exception-record", "zz", "--exception-record"});
  ASSERT_TRUE(bad.ok());
  EXPECT_FALSE(bad->exception_record.has_value());
  EXPECT_EQ(bad->warnings.size(), 2u);
}

TEST(CreatedumpArgsTest, WithoutPidIsAnError) {
  EXPECT_FALSE(ParseCreatedumpArgs({}).ok());
  EXPECT_FALSE(ParseCreatedumpArgs({"/app/createdump", "--name", "/n"}).ok());
  absl::StatusOr<CreatedumpArgs> args = ParseCreatedumpArgs({"/app/createdump", "--name"});
  ASSERT_FALSE(args.ok());
  EXPECT_THAT(std::string(args.status().message()), HasSubstr("process id"));
}

}  // namespace
}  // namespace ddcrash
