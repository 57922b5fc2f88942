// The two forms of `ddquery --group`: text for people, JSON for scripts.
#ifndef DDCRASH_TRIAGE_GROUP_RENDER_H_
#define DDCRASH_TRIAGE_GROUP_RENDER_H_

#include <string>

#include "triage/crash_groups.h"

namespace ddcrash {

// A header line with the totals, then per group (most frequent first): rank, count,
// fingerprint, first and last seen, executables, hosts, the newest report's crash line and
// path; then the unreadable files.
std::string RenderGroupsText(const CrashGroups& groups);

// One JSON object: {"reports", "skippedOlder", "groups": [{"fingerprint", "count",
// "firstSeen", "lastSeen", "executables", "executablesOmitted", "hosts", "hostsOmitted",
// "crashLine", "newestReport"}], "unreadableCount", "unreadable": [{"path", "error"}]}.
// Times are RFC 3339 UTC; counts are JSON numbers.
std::string RenderGroupsJson(const CrashGroups& groups);

}  // namespace ddcrash

#endif  // DDCRASH_TRIAGE_GROUP_RENDER_H_
