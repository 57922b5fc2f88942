// Keeps a report directory bounded: a crash loop must not fill the disk, nor evict the
// reports of other executables or touch files that are not ours.
#ifndef DDCRASH_REPORT_STORAGE_REPORT_RETENTION_H_
#define DDCRASH_REPORT_STORAGE_REPORT_RETENTION_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace ddcrash {

// True when `prefix` (the first bytes of a file) starts as every report does: schemaVersion
// (field 1) known to this build, then a valid trigger (field 2).
bool LooksLikeReport(absl::string_view prefix);

// In the directory `dir_fd` (opened by OpenReportDirectory), deletes the oldest reports of
// executable `exe_name` (ExeNameForFile), by modification time, until at most `keep` remain,
// and temporary files that killed reporters left (".ddcrash.*", older than ten minutes).
// Only regular files owned by the effective user are touched, reports only under the exact
// name ReportFileName makes and with a report's header; nothing is followed (every call is
// relative to `dir_fd`, with O_NOFOLLOW / AT_SYMLINK_NOFOLLOW).
absl::Status PruneReports(int dir_fd, absl::string_view exe_name, int keep);

// The same rule for files named as reports but with `extension` for ".pb" (the OTLP spool's
// ".json", otlp/otlp_spool.h) whose first bytes pass `looks_like` instead of LooksLikeReport.
absl::Status PruneReportNamedFiles(int dir_fd, absl::string_view exe_name, int keep,
                                   absl::string_view extension,
                                   const std::function<bool(absl::string_view prefix)>& looks_like);

}  // namespace ddcrash

#endif  // DDCRASH_REPORT_STORAGE_REPORT_RETENTION_H_
