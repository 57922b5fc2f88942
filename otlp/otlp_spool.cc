#include "otlp/otlp_spool.h"

#include <unistd.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "report/report_writer.h"
#include "report/storage/report_path.h"
#include "report/storage/report_retention.h"

namespace ddcrash {
namespace {

constexpr absl::string_view kOtlpRecordStart = "{\"resourceLogs\":[";

}  // namespace

absl::StatusOr<std::string> WriteOtlpSpoolFile(const std::string& directory, const Report& report,
                                               const OtlpLogOptions& options, int max_files) {
  absl::StatusOr<int> dir_fd = OpenReportDirectory(directory);
  if (!dir_fd.ok()) return dir_fd.status();
  if (max_files > 0) {
    // Only files that start as every record does (ReportToOtlpJsonLine) are ours to delete.
    (void)PruneReportNamedFiles(*dir_fd, ExeNameForFile(report.process().exe()), max_files - 1,
                                ".json", [](absl::string_view prefix) {
                                  return absl::StartsWith(prefix, kOtlpRecordStart);
                                });
  }
  const std::string report_name =
      ReportFileName(report.process().exe(), static_cast<pid_t>(report.process().pid()),
                     absl::FromUnixNanos(report.diagnostics().start_time_unix_nanos()));
  const std::string name = absl::StrCat(absl::StripSuffix(report_name, ".pb"), ".json");
  const std::string path = absl::StrCat(directory, "/", name);
  absl::Status status = WriteFileAtomicallyAt(ReportToOtlpJsonLine(report, options), *dir_fd, name,
                                              path, Durability::kSynced);
  close(*dir_fd);
  if (!status.ok()) return status;
  return path;
}

}  // namespace ddcrash
