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
#include "report/report_writer.h"

namespace ddcrash {

class ReportFile {
 public:
  // `explicit_path` is -o; when empty, the report gets a new name in `report_dir`
  // (DDCRASH_REPORT_DIR), chosen from the report's process and `start`, and the directory keeps
  // at most `max_reports` reports (DDCRASH_MAX_REPORTS; 0 keeps all).
  // The directory is opened and checked by OpenReportDirectory (report_path.h); every file
  // in it is then reached through that descriptor.
  ReportFile(std::string explicit_path, std::string report_dir, int max_reports,
             absl::Time start);
  ~ReportFile();
  ReportFile(const ReportFile&) = delete;
  ReportFile& operator=(const ReportFile&) = delete;

  // Writes a checkpoint, without fsync. After a failed write no further checkpoint is tried
  // (the final write still is, and says why it fails).
  void WriteCheckpoint(const Report& report);

  // Writes the final report, fsync'ed, and returns its path.
  absl::StatusOr<std::string> WriteFinal(const Report& report);

  // Removes the checkpoint written so far: for when nothing could be captured after all
  // (the attach failed), so that no report claims a crash that was never seen.
  void DiscardCheckpoint();

  // Empty until the first write chose it.
  const std::string& path() const { return path_; }
  bool has_checkpoint() const { return checkpoint_written_; }

 private:
  // Chooses the path on first use: creates the report directory and makes room in it, so
  // that retention never deletes the report being written.
  absl::Status Resolve(const Report& report);
  absl::Status Write(const Report& report, Durability durability);

  std::string path_;
  std::string report_dir_;
  int dir_fd_ = -1;      // the report directory, once resolved (not with an explicit path)
  std::string name_;     // the file's name in it
  int max_reports_;
  absl::Time start_;
  bool checkpoint_written_ = false;
  bool checkpoint_failed_ = false;
};

}  // namespace ddcrash

#endif  // DDCRASH_REPORT_STORAGE_REPORT_FILE_H_
