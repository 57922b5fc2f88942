#include "triage/crash_groups.h"

#include <algorithm>

#include "report/fingerprint.h"
#include "triage/crash_line.h"

namespace ddcrash {

void BoundedNames::Add(const std::string& name) {
  if (name.empty() || names.contains(name)) return;
  if (names.size() < kMaxNamesPerGroup) {
    names.insert(name);
  } else {
    ++omitted;
  }
}

void CrashGroups::Add(const Report& report, absl::Time time, const std::string& path) {
  if (time < since_) {
    ++skipped_old_;
    return;
  }
  ++reports_;
  std::string fingerprint = CrashFingerprint(report);
  std::unique_ptr<CrashGroup>& slot = groups_[fingerprint];
  if (slot == nullptr) {
    slot = std::make_unique<CrashGroup>();
    slot->fingerprint = std::move(fingerprint);
  }
  CrashGroup& group = *slot;
  ++group.count;
  group.first_seen = std::min(group.first_seen, time);
  if (time >= group.last_seen) {
    group.last_seen = time;
    group.newest_path = path;
    group.newest_crash_line = CrashLine(report);
  }
  group.executables.Add(report.process().exe());
  group.hosts.Add(report.process().hostname());
}

void CrashGroups::AddUnreadable(const std::string& path, const std::string& error) {
  ++unreadable_count_;
  if (unreadable_.size() < kMaxUnreadableListed) unreadable_.push_back({path, error});
}

std::vector<const CrashGroup*> CrashGroups::Sorted() const {
  std::vector<const CrashGroup*> sorted;
  sorted.reserve(groups_.size());
  for (const auto& [fingerprint, group] : groups_) sorted.push_back(group.get());
  std::sort(sorted.begin(), sorted.end(), [](const CrashGroup* a, const CrashGroup* b) {
    if (a->count != b->count) return a->count > b->count;
    if (a->last_seen != b->last_seen) return a->last_seen > b->last_seen;
    return a->fingerprint < b->fingerprint;
  });
  return sorted;
}

}  // namespace ddcrash
