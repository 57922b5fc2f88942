#include "triage/group_reports.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "report/report_writer.h"
#include "report/testing/sample_report.h"

namespace ddcrash {
namespace {

std::string NewDir(const std::string& name) {
  const std::string dir = absl::StrCat(getenv("TEST_TMPDIR"), "/", name);
  mkdir(dir.c_str(), 0700);
  return dir;
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

TEST(GroupReportsTest, DirectoryAndFilesWithBadOnesListed) {
  const std::string dir = NewDir("reports");
  Report a = SampleCrashReport();
  Report b = SampleCrashReport();
  b.mutable_exception()->set_type("System.OtherException");
  ASSERT_TRUE(WriteReportAtomically(a, dir + "/a1.pb", Durability::kUnsynced).ok());
  ASSERT_TRUE(WriteReportAtomically(a, dir + "/a2.pb", Durability::kUnsynced).ok());
  ASSERT_TRUE(WriteReportAtomically(b, dir + "/b.pb", Durability::kUnsynced).ok());
  std::string bytes;
  ASSERT_TRUE(a.SerializeToString(&bytes));
  WriteFile(dir + "/truncated.pb", bytes.substr(0, bytes.size() / 2));
  WriteFile(dir + "/garbage.pb", "not a report at all");
  WriteFile(dir + "/notes.txt", "ignored: not a report name");
  WriteFile(dir + "/.a1.pb.123456", "ignored: a writer's temporary file");
  mkdir((dir + "/sub.pb").c_str(), 0700);
  const std::string unreadable = dir + "/noperm.pb";
  WriteFile(unreadable, bytes);
  chmod(unreadable.c_str(), 0);
  const bool root = geteuid() == 0;  // root reads it anyway

  const std::string single = NewDir("single") + "/any-name";
  ASSERT_TRUE(WriteReportAtomically(b, single, Durability::kUnsynced).ok());

  CrashGroups groups;
  GroupReports({dir, single, dir + "/missing.pb", "/nonexistent-dir/"}, &groups);
  EXPECT_EQ(groups.reports(), root ? 5u : 4u);
  const std::vector<const CrashGroup*> sorted = groups.Sorted();
  ASSERT_EQ(sorted.size(), 2u);
  EXPECT_EQ(sorted[0]->count, root ? 3u : 2u);
  EXPECT_EQ(sorted[1]->count, 2u);
  EXPECT_EQ(groups.unreadable_count(), root ? 4u : 5u);
  std::string errors;
  for (const UnreadableReport& bad : groups.unreadable()) {
    absl::StrAppend(&errors, bad.path, ": ", bad.error, "\n");
  }
  for (const char* expected : {"/truncated.pb", "/garbage.pb", "/missing.pb", "/nonexistent-dir/"}) {
    EXPECT_NE(errors.find(expected), std::string::npos) << expected << " not in\n" << errors;
  }
  EXPECT_EQ(errors.find("notes.txt"), std::string::npos) << errors;
  EXPECT_EQ(errors.find(".a1.pb."), std::string::npos) << errors;
  EXPECT_EQ(errors.find("sub.pb"), std::string::npos) << errors;
}

}  // namespace
}  // namespace ddcrash
