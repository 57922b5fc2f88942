#include "report/storage/report_file.h"

#include <sys/sdt.h>
#include <unistd.h>

#include <utility>

#include "absl/strings/str_cat.h"

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

ReportFile::~ReportFile() {
  if (dir_fd_ >= 0) close(dir_fd_);
}

absl::Status ReportFile::Resolve(const Report& report) {
  if (!path_.empty()) return absl::OkStatus();
  absl::StatusOr<int> directory = OpenReportDirectory(report_dir_);
  if (!directory.ok()) return directory.status();
  dir_fd_ = *directory;
  const std::string exe_name = ExeNameForFile(report.process().exe());
  if (max_reports_ > 0) (void)PruneReports(dir_fd_, exe_name, max_reports_ - 1);
  name_ = ReportFileName(report.process().exe(), static_cast<pid_t>(report.process().pid()),
                         start_);
  path_ = absl::StrCat(report_dir_, "/", name_);
  return absl::OkStatus();
}

absl::Status ReportFile::Write(const Report& report, Durability durability) {
  absl::Status resolved = Resolve(report);
  if (!resolved.ok()) return resolved;
  if (dir_fd_ < 0) return WriteReportAtomically(report, path_, durability);
  return WriteReportAtomicallyAt(report, dir_fd_, name_, path_, durability);
}

void ReportFile::WriteCheckpoint(const Report& report) {
  if (checkpoint_failed_) return;
  if (!Write(report, Durability::kUnsynced).ok()) {
    checkpoint_failed_ = true;
    return;
  }
  checkpoint_written_ = true;
  DTRACE_PROBE1(ddcrash, checkpoint_written, path_.c_str());
}

void ReportFile::DiscardCheckpoint() {
  if (!checkpoint_written_) return;
  if (dir_fd_ >= 0) {
    unlinkat(dir_fd_, name_.c_str(), 0);
  } else {
    unlink(path_.c_str());
  }
  checkpoint_written_ = false;
}

absl::StatusOr<std::string> ReportFile::WriteFinal(const Report& report) {
  StageTimer stage(nullptr, "write");
  absl::Status written = Write(report, Durability::kSynced);
  if (!written.ok()) return written;
  DTRACE_PROBE1(ddcrash, report_written, path_.c_str());
  return path_;
}

}  // namespace ddcrash
