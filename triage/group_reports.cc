#include "triage/group_reports.h"

#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "report/report_reader.h"

namespace ddcrash {
namespace {

void AddFile(const std::string& path, CrashGroups* groups) {
  absl::StatusOr<Report> report = ReadReportFile(path);
  if (!report.ok()) {
    groups->AddUnreadable(path, std::string(report.status().message()));
    return;
  }
  absl::Time time = absl::FromUnixNanos(report->diagnostics().start_time_unix_nanos());
  struct stat st;
  if (report->diagnostics().start_time_unix_nanos() == 0 && stat(path.c_str(), &st) == 0) {
    time = absl::TimeFromTimespec(st.st_mtim);
  }
  groups->Add(*report, time, path);
}

void AddDirectory(const std::string& path, CrashGroups* groups) {
  DIR* dir = opendir(path.c_str());
  if (dir == nullptr) {
    groups->AddUnreadable(path, absl::StrCat("cannot open directory ", path, ": ", strerror(errno)));
    return;
  }
  const std::string prefix = absl::EndsWith(path, "/") ? path : absl::StrCat(path, "/");
  while (const dirent* entry = readdir(dir)) {
    const absl::string_view name = entry->d_name;
    // Hidden names are the writers' temporary files; anything else is not a report.
    if (absl::StartsWith(name, ".") || !absl::EndsWith(name, ".pb")) continue;
    if (entry->d_type == DT_DIR) continue;
    AddFile(absl::StrCat(prefix, name), groups);
  }
  closedir(dir);
}

}  // namespace

void GroupReports(const std::vector<std::string>& inputs, CrashGroups* groups) {
  for (const std::string& input : inputs) {
    struct stat st;
    if (stat(input.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      AddDirectory(input, groups);
    } else {
      AddFile(input, groups);  // says why when it is missing or not a report
    }
  }
}

}  // namespace ddcrash
