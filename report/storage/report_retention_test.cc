#include "report/storage/report_retention.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "report/report_writer.h"
#include "report/storage/report_path.h"
#include "report/testing/sample_report.h"

namespace ddcrash {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

constexpr uid_t kOtherUid = 12345;

std::string MakeDir() {
  std::string dir = std::string(getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp") +
                    "/retention.XXXXXX";
  EXPECT_NE(mkdtemp(dir.data()), nullptr);
  return dir;
}

std::set<std::string> List(const std::string& dir) {
  std::set<std::string> names;
  DIR* d = opendir(dir.c_str());
  while (dirent* e = readdir(d)) {
    if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") names.insert(e->d_name);
  }
  closedir(d);
  return names;
}

void SetMtime(const std::string& path, time_t mtime) {
  struct utimbuf times = {mtime, mtime};
  ASSERT_EQ(utime(path.c_str(), &times), 0) << path;
}

// A real report under `name`.
void Report(const std::string& dir, const std::string& name, time_t mtime) {
  ASSERT_TRUE(WriteReportAtomically(SampleCrashReport(), dir + "/" + name).ok());
  SetMtime(dir + "/" + name, mtime);
}

void Text(const std::string& path, time_t mtime) {
  { std::ofstream(path) << "x"; }
  SetMtime(path, mtime);
}

absl::Status Prune(const std::string& dir, const std::string& exe, int keep) {
  absl::StatusOr<int> fd = OpenReportDirectory(dir);
  if (!fd.ok()) return fd.status();
  absl::Status status = PruneReports(*fd, exe, keep);
  close(*fd);
  return status;
}

TEST(ReportRetentionTest, DeletesOldestReportsOfTheExecutableOnly) {
  const std::string dir = MakeDir();
  Report(dir, "ddcrash.a.1.100.pb", 100);
  Report(dir, "ddcrash.a.2.300.pb", 300);
  Report(dir, "ddcrash.a.3.200.pb", 200);
  Report(dir, "ddcrash.a.4.400.pb", 400);
  Report(dir, "ddcrash.b.5.50.pb", 50);  // another app's: never evicted by a's crash loop
  Text(dir + "/notes.txt", 1);
  Text(dir + "/.ddcrash.a.5.500.pb.Ab12Cd", 1);                 // left by a killed reporter
  Text(dir + "/.ddcrash.a.6.600.pb.Xy34Zw", time(nullptr) - 5);  // being written now
  Text(dir + "/ddcrash.other.txt", 1);
  ASSERT_TRUE(Prune(dir, "a", 2).ok());
  EXPECT_THAT(List(dir), ElementsAre(".ddcrash.a.6.600.pb.Xy34Zw", "ddcrash.a.2.300.pb",
                                     "ddcrash.a.4.400.pb", "ddcrash.b.5.50.pb",
                                     "ddcrash.other.txt", "notes.txt"));
  // keep 0 makes room for one new report when DDCRASH_MAX_REPORTS is 1.
  ASSERT_TRUE(Prune(dir, "a", 0).ok());
  EXPECT_THAT(List(dir), ElementsAre(".ddcrash.a.6.600.pb.Xy34Zw", "ddcrash.b.5.50.pb",
                                     "ddcrash.other.txt", "notes.txt"));
  absl::StatusOr<int> fd = OpenReportDirectory(dir);
  ASSERT_TRUE(fd.ok());
  const int closed = *fd;
  close(closed);
  EXPECT_FALSE(PruneReports(closed, "a", 1).ok());
}

TEST(ReportRetentionTest, NeverTouchesFilesThatAreNotOurReports) {
  const std::string dir = MakeDir();
  const std::string elsewhere = MakeDir();
  Report(elsewhere, "ddcrash.a.9.9.pb", 1);
  Text(dir + "/ddcrash.a.1.1.pb", 1);         // the right name, but not a report
  Text(dir + "/ddcrash.important.pb", 1);     // not the name pattern
  Text(dir + "/ddcrash.a.x.1.pb", 1);
  Report(dir, "ddcrash.a.2.2.pb", 2);         // a report of another user
  ASSERT_EQ(chown((dir + "/ddcrash.a.2.2.pb").c_str(), kOtherUid, kOtherUid), 0);
  Report(dir, ".ddcrash.a.3.3.pb.Qq11Ww", 3);  // another user's stale temporary
  ASSERT_EQ(chown((dir + "/.ddcrash.a.3.3.pb.Qq11Ww").c_str(), kOtherUid, kOtherUid), 0);
  // Symlinks to a report and to a directory: neither followed nor removed.
  ASSERT_EQ(symlink((elsewhere + "/ddcrash.a.9.9.pb").c_str(), (dir + "/ddcrash.a.4.4.pb").c_str()),
            0);
  ASSERT_EQ(symlink(elsewhere.c_str(), (dir + "/.ddcrash.a.5.5.pb.Ee55Rr").c_str()), 0);
  ASSERT_EQ(mkfifo((dir + "/ddcrash.a.6.6.pb").c_str(), 0600), 0);  // never blocks on it
  const std::set<std::string> before = List(dir);
  ASSERT_TRUE(Prune(dir, "a", 0).ok());
  EXPECT_EQ(List(dir), before);
  EXPECT_THAT(List(elsewhere), ElementsAre("ddcrash.a.9.9.pb"));
}

TEST(ReportRetentionTest, RecognisesAReportHeader) {
  std::string bytes;
  ASSERT_TRUE(SampleCrashReport().SerializeToString(&bytes));
  EXPECT_TRUE(LooksLikeReport(bytes));
  EXPECT_TRUE(LooksLikeReport(bytes.substr(0, 4)));
  EXPECT_FALSE(LooksLikeReport(""));
  EXPECT_FALSE(LooksLikeReport("x"));
  EXPECT_FALSE(LooksLikeReport(bytes.substr(0, 3)));
  EXPECT_FALSE(LooksLikeReport(std::string("\x08\x63\x10\x01", 4)));  // schema 99
  EXPECT_FALSE(LooksLikeReport(std::string("\x08\x01\x10\x00", 4)));  // no trigger
  EXPECT_FALSE(LooksLikeReport(std::string("\x08\x01\x10\x7f", 4)));  // unknown trigger
  EXPECT_FALSE(LooksLikeReport(std::string("\x08\xff\xff\xff\xff\xff\xff", 7)));
}

}  // namespace
}  // namespace ddcrash
