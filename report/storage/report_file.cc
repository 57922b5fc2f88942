#include "report/storage/report_file.h"

#include <sys/sdt.h>

#include <utility>

#include "report/storage/report_path.h"
#include "report/storage/report_retention.h"
#include "report/report_builder.h"
#include "report/report_writer.h"

namespace ddcrash {

ReportFile::ReportFile(std::string explicit_path, std::string report_dir, int max_reports,
                       absl::Time start)
    : path_(std::move(explicit_path)),
      report_dir_(std::move(report_dir)),
      max_reports_(max_reports),
      start_(start) {}

absl::Status ReportFile::Resolve(const Report& report) {
  if (!path_.empty()) return absl::OkStatus();
  absl::Status directory = EnsureDirectory(report_dir_);
  if (!directory.ok()) return directory;
  if (max_reports_ > 0) (void)PruneReports(report_dir_, max_reports_ - 1);
  path_ = ReportPathFor(report_dir_, report.process().exe(),
                        static_cast<pid_t>(report.process().pid()), start_);
  return absl::OkStatus();
}

void ReportFile::WriteCheckpoint(const Report& report) {
  if (checkpoint_failed_) return;
  absl::Status written = Resolve(report);
  if (written.ok()) written = WriteReportAtomically(report, path_, Durability::kUnsynced);
  if (!written.ok()) {
    checkpoint_failed_ = true;
    return;
  }
  checkpoint_written_ = true;
  DTRACE_PROBE1(ddcrash, checkpoint_written, path_.c_str());
}

absl::StatusOr<std::string> ReportFile::WriteFinal(const Report& report) {
  StageTimer stage(nullptr, "write");
  absl::Status written = Resolve(report);
  if (written.ok()) written = WriteReportAtomically(report, path_, Durability::kSynced);
  if (!written.ok()) return written;
  DTRACE_PROBE1(ddcrash, report_written, path_.c_str());
  return path_;
}

}  // namespace ddcrash
