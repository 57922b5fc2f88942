// Crash groups over many reports: reports with the same fingerprint (report/fingerprint.h)
// form one group. Memory stays bounded by the number of distinct crashes, never by the number
// of reports: a report is summarized as it is added and not kept.
#ifndef DDCRASH_TRIAGE_CRASH_GROUPS_H_
#define DDCRASH_TRIAGE_CRASH_GROUPS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "report/report.pb.h"

namespace ddcrash {

// Distinct executables and hosts kept per group; more are counted, not named.
inline constexpr size_t kMaxNamesPerGroup = 16;
// Unreadable files named in the result; more are counted.
inline constexpr size_t kMaxUnreadableListed = 100;

// A set of names that keeps the first kMaxNamesPerGroup and counts the rest.
struct BoundedNames {
  absl::btree_set<std::string> names;
  uint64_t omitted = 0;  // distinct names past the bound are not told apart: every one counts
  void Add(const std::string& name);
};

struct CrashGroup {
  std::string fingerprint;
  uint64_t count = 0;
  absl::Time first_seen = absl::InfiniteFuture();
  absl::Time last_seen = absl::InfinitePast();
  BoundedNames executables;
  BoundedNames hosts;
  // The newest report of the group (by its capture time).
  std::string newest_path;
  std::string newest_crash_line;
};

struct UnreadableReport {
  std::string path;
  std::string error;
};

class CrashGroups {
 public:
  // `since`: reports captured before it are skipped (counted in skipped_old()).
  explicit CrashGroups(absl::Time since = absl::InfinitePast()) : since_(since) {}

  // `time` is when the report was captured (its diagnostics' start time; the caller passes the
  // file's modification time for a report that lacks one).
  void Add(const Report& report, absl::Time time, const std::string& path);
  void AddUnreadable(const std::string& path, const std::string& error);

  // Most frequent first; equal counts by the newest last_seen first, then by fingerprint.
  std::vector<const CrashGroup*> Sorted() const;

  uint64_t reports() const { return reports_; }
  uint64_t skipped_old() const { return skipped_old_; }
  uint64_t unreadable_count() const { return unreadable_count_; }
  // The first kMaxUnreadableListed unreadable files.
  const std::vector<UnreadableReport>& unreadable() const { return unreadable_; }

 private:
  absl::Time since_;
  absl::flat_hash_map<std::string, std::unique_ptr<CrashGroup>> groups_;
  uint64_t reports_ = 0;
  uint64_t skipped_old_ = 0;
  uint64_t unreadable_count_ = 0;
  std::vector<UnreadableReport> unreadable_;
};

}  // namespace ddcrash

#endif  // DDCRASH_TRIAGE_CRASH_GROUPS_H_
