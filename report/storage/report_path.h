// Where reports go: the file name pattern and the report directory, opened so that no other
// user can redirect what is written into it.
#ifndef DDCRASH_REPORT_STORAGE_REPORT_PATH_H_
#define DDCRASH_REPORT_STORAGE_REPORT_PATH_H_

#include <sys/types.h>

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ddcrash {

// Executable names longer than this are cut in the file name (the report keeps the full
// path): with "ddcrash.", the pid, the time and ".pb" the name stays far below NAME_MAX (255).
inline constexpr size_t kMaxExeNameInFileName = 128;

// The executable part of a report's file name: the basename of `exe`, characters other than
// [A-Za-z0-9._-] replaced by '_'; past kMaxExeNameInFileName, its head and a hash of the
// whole name, so that two long names sharing a head still count as different executables.
std::string ExeNameForFile(absl::string_view exe);

// "ddcrash.<ExeNameForFile(exe)>.<pid>.<unix seconds>.pb".
std::string ReportFileName(absl::string_view exe, pid_t pid, absl::Time time);

// The parts of a name ReportFileName makes; nullopt for any other name (ReportFileName of the
// parts gives the name back).
struct ReportFileNameParts {
  std::string exe;
  pid_t pid = 0;
  int64_t unix_seconds = 0;
};
std::optional<ReportFileNameParts> ParseReportFileName(absl::string_view name);

// The default report directory of the effective user: /tmp/ddcrash-<euid>. Per user, so
// that one user's directory never stands in another's way; in /tmp rather than
// $XDG_RUNTIME_DIR, which services and containers often lack and which logout removes.
std::string DefaultReportDirectory();

// Opens `directory` as an O_DIRECTORY|O_NOFOLLOW descriptor, creating it (mode 0700: reports
// describe processes) and missing parents. It is used only if it is owned by the effective
// user and not writable by group or others, as fstat on the open descriptor says: a
// directory or symlink another user planted is refused with FailedPrecondition.
absl::StatusOr<int> OpenReportDirectory(const std::string& directory);

}  // namespace ddcrash

#endif  // DDCRASH_REPORT_STORAGE_REPORT_PATH_H_
