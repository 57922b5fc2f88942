#include "triage/crash_groups.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "report/fingerprint.h"
#include "report/testing/sample_report.h"

namespace ddcrash {
namespace {

Report Crash(const std::string& type, const std::string& exe, const std::string& host) {
  Report report = SampleCrashReport();
  report.mutable_exception()->set_type(type);
  report.mutable_process()->set_exe(exe);
  report.mutable_process()->set_hostname(host);
  return report;
}

TEST(CrashGroupsTest, GroupsByFingerprintMostFrequentFirst) {
  CrashGroups groups;
  const absl::Time t0 = absl::FromUnixSeconds(1764000000);
  for (int i = 0; i < 3; ++i) {
    groups.Add(Crash("A", "/app/a", absl::StrCat("host", i)), t0 + absl::Seconds(i),
               absl::StrCat("a", i, ".pb"));
  }
  groups.Add(Crash("B", "/app/b", "host0"), t0 + absl::Hours(1), "b.pb");
  groups.Add(Crash("A", "/app/a2", "host0"), t0 - absl::Hours(1), "a-old.pb");

  const std::vector<const CrashGroup*> sorted = groups.Sorted();
  ASSERT_EQ(sorted.size(), 2u);
  EXPECT_EQ(groups.reports(), 5u);
  const CrashGroup& a = *sorted[0];
  EXPECT_EQ(a.fingerprint, CrashFingerprint(Crash("A", "/x", "y")));
  EXPECT_EQ(a.count, 4u);
  EXPECT_EQ(a.first_seen, t0 - absl::Hours(1));
  EXPECT_EQ(a.last_seen, t0 + absl::Seconds(2));
  EXPECT_EQ(a.newest_path, "a2.pb");  // the newest by capture time, not the last added
  EXPECT_EQ(a.newest_crash_line.rfind("A: ddcrash test", 0), 0u) << a.newest_crash_line;
  EXPECT_EQ(a.executables.names, (absl::btree_set<std::string>{"/app/a", "/app/a2"}));
  EXPECT_EQ(a.hosts.names, (absl::btree_set<std::string>{"host0", "host1", "host2"}));
  EXPECT_EQ(sorted[1]->count, 1u);
  EXPECT_EQ(sorted[1]->newest_path, "b.pb");
}

TEST(CrashGroupsTest, EqualCountsNewestFirst) {
  CrashGroups groups;
  const absl::Time t0 = absl::FromUnixSeconds(1764000000);
  groups.Add(Crash("Old", "/a", "h"), t0, "old.pb");
  groups.Add(Crash("New", "/a", "h"), t0 + absl::Seconds(1), "new.pb");
  const std::vector<const CrashGroup*> sorted = groups.Sorted();
  ASSERT_EQ(sorted.size(), 2u);
  EXPECT_EQ(sorted[0]->newest_path, "new.pb");
}

TEST(CrashGroupsTest, SinceSkipsOlderReports) {
  const absl::Time since = absl::FromUnixSeconds(1764000000);
  CrashGroups groups(since);
  groups.Add(Crash("A", "/a", "h"), since - absl::Seconds(1), "old.pb");
  groups.Add(Crash("A", "/a", "h"), since, "new.pb");
  EXPECT_EQ(groups.reports(), 1u);
  EXPECT_EQ(groups.skipped_old(), 1u);
  ASSERT_EQ(groups.Sorted().size(), 1u);
  EXPECT_EQ(groups.Sorted()[0]->count, 1u);
}

TEST(CrashGroupsTest, NamesAndUnreadableAreBounded) {
  CrashGroups groups;
  for (size_t i = 0; i < kMaxNamesPerGroup + 5; ++i) {
    groups.Add(Crash("A", absl::StrCat("/exe", i), "h"), absl::FromUnixSeconds(1), "x.pb");
  }
  for (size_t i = 0; i < kMaxUnreadableListed + 7; ++i) {
    groups.AddUnreadable(absl::StrCat("bad", i), "corrupt");
  }
  const CrashGroup& group = *groups.Sorted()[0];
  EXPECT_EQ(group.executables.names.size(), kMaxNamesPerGroup);
  EXPECT_EQ(group.executables.omitted, 5u);
  EXPECT_EQ(group.hosts.names.size(), 1u);
  EXPECT_EQ(groups.unreadable_count(), kMaxUnreadableListed + 7);
  EXPECT_EQ(groups.unreadable().size(), kMaxUnreadableListed);
  EXPECT_EQ(groups.unreadable()[0].path, "bad0");
}

}  // namespace
}  // namespace ddcrash
