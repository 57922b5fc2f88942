// Feeds report files to CrashGroups: the files named, and the reports (*.pb) directly inside
// each directory named. One report is in memory at a time; a file that cannot be read or
// parsed is recorded as unreadable and the run goes on.
#ifndef DDCRASH_TRIAGE_GROUP_REPORTS_H_
#define DDCRASH_TRIAGE_GROUP_REPORTS_H_

#include <string>
#include <vector>

#include "triage/crash_groups.h"

namespace ddcrash {

void GroupReports(const std::vector<std::string>& inputs, CrashGroups* groups);

}  // namespace ddcrash

#endif  // DDCRASH_TRIAGE_GROUP_REPORTS_H_
