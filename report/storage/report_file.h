// The one file a ddreport run writes. While a crash is captured, checkpoints are renamed over
// it; the final report replaces the last one. A reporter that is killed, crashes or runs out
// of time therefore still leaves its latest checkpoint, marked incomplete.
#ifndef DDCRASH_REPORT_STORAGE_REPORT_FILE_H_
#define DDCRASH_REPORT_STORAGE_REPORT_FILE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "report/report.pb.h"

namespace ddcrash {

class ReportFile {
 public:
  // `explicit_path` is -o; when empty, the report gets a new name in `report_dir`
  // (DDCRASH_REPORT_DIR), chosen from the report's process and `start`, and the directory keeps
  // at most `max_reports` reports (DDCRASH_MAX_REPORTS; 0 keeps all).
  ReportFile(std::string explicit_path, std::string report_dir, int max_reports,
             absl::Time start);

  // Writes a checkpoint, without fsync. After a failed write no further checkpoint is tried
  // (the final write still is, and says why it fails).
  void WriteCheckpoint(const Report& report);

  // Writes the final report, fsync'ed, and returns its path.
  absl::StatusOr<std::string> WriteFinal(const Report& report);

  // Empty until the first write chose it.
  const std::string& path() const { return path_; }
  bool has_checkpoint() const { return checkpoint_written_; }

 private:
  // Chooses the path on first use: creates the report directory and makes room in it, so
  // that retention never deletes the report being written.
  absl::Status Resolve(const Report& report);

  std::string path_;
  std::string report_dir_;
  int max_reports_;
  absl::Time start_;
  bool checkpoint_written_ = false;
  bool checkpoint_failed_ = false;
};

}  // namespace ddcrash

#endif  // DDCRASH_REPORT_STORAGE_REPORT_FILE_H_
