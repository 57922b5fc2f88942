// DDCRASH_OTLP_DIR: ddreport also writes each report's OTLP/JSON record (otlp_log.h) as one
// file into a spool directory that an OpenTelemetry Collector tails (README, "OpenTelemetry
// export"). The directory is handled as report directories are (report/storage/report_path.h:
// created 0700, refused unless the effective user owns it and only it can write it, opened
// O_NOFOLLOW); each file appears complete, by rename, under a name that does not start with '.'.
#ifndef DDCRASH_OTLP_OTLP_SPOOL_H_
#define DDCRASH_OTLP_OTLP_SPOOL_H_

#include <string>

#include "absl/status/statusor.h"
#include "otlp/otlp_log.h"
#include "report/report.pb.h"

namespace ddcrash {

// Writes ReportToOtlpJsonLine(report, options) to
// <directory>/ddcrash.<exe>.<pid>.<unix seconds>.json (the report's own name, report_path.h,
// with .json for .pb); returns the file's path. First, as for reports (DDCRASH_MAX_REPORTS,
// report/storage/report_retention.h), the oldest spool files of the same executable are
// deleted so that at most `max_files` remain with the new one (0 keeps all): a collector that
// is down or deletes nothing must not let a crash loop fill the disk.
absl::StatusOr<std::string> WriteOtlpSpoolFile(const std::string& directory, const Report& report,
                                               const OtlpLogOptions& options, int max_files);

}  // namespace ddcrash

#endif  // DDCRASH_OTLP_OTLP_SPOOL_H_
