// `ddquery --group` over thousands of reports of a handful of distinct crashes, plus corrupt
// files: the right counts, in seconds, with memory that does not grow with the number of
// reports (the peak RSS of a run over 4000 reports against one over 400).
#include <fcntl.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "report/report_writer.h"
#include "report/testing/sample_report.h"

namespace ddcrash {
namespace {

constexpr int kDistinctCrashes = 5;
constexpr int kCorruptFiles = 25;

// Crash kind k of report i: its own exception type; hosts and executables vary; 12 threads of
// 40 frames make each report ~40 KB, so that keeping reports would show in the peak RSS.
Report Generated(int k, int i) {
  Report report = SampleCrashReport();
  report.mutable_exception()->set_type(absl::StrCat("Fleet.Crash", k, "Exception"));
  report.mutable_process()->set_pid(1000 + i);
  report.mutable_process()->set_hostname(absl::StrCat("host-", i % 7));
  report.mutable_process()->set_exe(absl::StrCat("/srv/app", k % 2));
  report.mutable_diagnostics()->set_start_time_unix_nanos(
      absl::ToUnixNanos(absl::FromUnixSeconds(1764000000) + absl::Seconds(i)));
  const Thread model = report.threads(0);
  for (int t = 0; t < 12; ++t) {
    Thread* thread = report.add_threads();
    *thread = model;
    thread->set_tid(20000 + t);
    thread->clear_frames();
    for (int f = 0; f < 40; ++f) {
      Frame* frame = thread->add_frames();
      *frame = model.frames(1);
      frame->set_index(f);
      frame->set_function(absl::StrCat("Namespace::Class::Method", f, "(int, std::string const&)"));
      frame->set_ip(0x7f1000001234 + f * 16);
    }
  }
  return report;
}

// Crash kind of report i: uneven counts, most frequent kind 0.
int KindOf(int i) { return i % 10 < 4 ? 0 : i % 10 < 7 ? 1 : i % 10 < 9 ? 2 : i % 20 == 9 ? 3 : 4; }

std::string Fill(const std::string& name, int reports) {
  const std::string dir = absl::StrCat(getenv("TEST_TMPDIR"), "/", name);
  mkdir(dir.c_str(), 0700);
  for (int i = 0; i < reports; ++i) {
    const absl::Status status = WriteReportAtomically(
        Generated(KindOf(i), i), absl::StrCat(dir, "/ddcrash.app.", 1000 + i, ".pb"),
        Durability::kUnsynced);
    EXPECT_TRUE(status.ok()) << status;
  }
  std::string bytes;
  Generated(0, 0).SerializeToString(&bytes);
  for (int i = 0; i < kCorruptFiles; ++i) {
    std::ofstream out(absl::StrCat(dir, "/corrupt.", i, ".pb"), std::ios::binary);
    out << (i % 2 == 0 ? bytes.substr(0, bytes.size() * i / kCorruptFiles) : std::string(i * 97, '\xff'));
  }
  return dir;
}

struct DdqueryRun {
  int exit_code = -1;
  std::string out;
  long max_rss_kb = 0;
  absl::Duration elapsed;
};

DdqueryRun Ddquery(const std::vector<std::string>& args) {
  const std::string out_path = absl::StrCat(getenv("TEST_TMPDIR"), "/ddquery.out");
  std::vector<std::string> argv = {"cli/ddquery"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> c_argv;
  for (std::string& arg : argv) c_argv.push_back(arg.data());
  c_argv.push_back(nullptr);
  const absl::Time start = absl::Now();
  const pid_t pid = fork();
  if (pid == 0) {
    const int fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 1);
    // Under AddressSanitizer, freed memory waits in a quarantine of up to 256 MiB before reuse:
    // the peak would measure the quarantine, not what ddquery keeps.
    const char* asan = getenv("ASAN_OPTIONS");
    if (asan != nullptr) {
      setenv("ASAN_OPTIONS", absl::StrCat(asan, ":quarantine_size_mb=0").c_str(), 1);
    }
    execv(c_argv[0], c_argv.data());
    _exit(127);
  }
  DdqueryRun run;
  int status = 0;
  struct rusage usage;
  wait4(pid, &status, 0, &usage);
  run.elapsed = absl::Now() - start;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.max_rss_kb = usage.ru_maxrss;
  std::ifstream in(out_path);
  std::stringstream text;
  text << in.rdbuf();
  run.out = text.str();
  return run;
}

TEST(GroupScaleTest, ThousandsOfReportsCountedRightInBoundedMemory) {
  constexpr int kSmall = 400;
  constexpr int kLarge = 4000;
  const std::string small = Fill("small", kSmall);
  const std::string large = Fill("large", kLarge);
  std::map<std::string, int> expected;  // exception type -> count in `large`
  for (int i = 0; i < kLarge; ++i) ++expected[absl::StrCat("Fleet.Crash", KindOf(i), "Exception")];

  const DdqueryRun small_run = Ddquery({"--group", small, "--json"});
  const DdqueryRun large_run = Ddquery({"--group", large, "--json"});
  ASSERT_EQ(large_run.exit_code, 0) << large_run.out;
  ASSERT_EQ(small_run.exit_code, 0) << small_run.out;

  google::protobuf::Struct parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(large_run.out, &parsed).ok())
      << large_run.out.substr(0, 2000);
  const auto& fields = parsed.fields();
  EXPECT_EQ(fields.at("reports").number_value(), kLarge);
  EXPECT_EQ(fields.at("unreadableCount").number_value(), kCorruptFiles);
  EXPECT_EQ(fields.at("unreadable").list_value().values_size(), kCorruptFiles);
  const auto& groups = fields.at("groups").list_value();
  ASSERT_EQ(groups.values_size(), kDistinctCrashes);
  double previous = kLarge + 1;
  for (const auto& value : groups.values()) {
    const auto& group = value.struct_value().fields();
    const std::string line = group.at("crashLine").string_value();
    const std::string type = line.substr(0, line.find(':'));
    EXPECT_EQ(group.at("count").number_value(), expected[type]) << line;
    EXPECT_LE(group.at("count").number_value(), previous) << "most frequent first";
    previous = group.at("count").number_value();
    EXPECT_EQ(group.at("hosts").list_value().values_size(), 7) << line;
  }

  // Loose bounds: they catch memory that grows with the reports (4000 kept reports of ~40 KB
  // would take hundreds of MB), not small differences; time far above what is needed.
  EXPECT_LT(large_run.max_rss_kb - small_run.max_rss_kb, 16 * 1024)
      << "small " << small_run.max_rss_kb << " KB, large " << large_run.max_rss_kb << " KB";
  EXPECT_LT(large_run.elapsed, absl::Seconds(60)) << large_run.elapsed;
  std::cerr << "4000 reports: " << large_run.elapsed << ", peak RSS " << large_run.max_rss_kb
            << " KB (400 reports: " << small_run.max_rss_kb << " KB)\n";
}

}  // namespace
}  // namespace ddcrash
