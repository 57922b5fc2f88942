// Writes a report so that the final name never holds a partial file: the bytes go to a
// temporary file in the same directory, are fsync'ed, then renamed over the final name.
#ifndef DDCRASH_REPORT_REPORT_WRITER_H_
#define DDCRASH_REPORT_REPORT_WRITER_H_

#include <string>

#include "absl/status/status.h"
#include "report/report.pb.h"

namespace ddcrash {

// kSynced fsyncs the bytes before the rename: the final report. kUnsynced skips that for
// checkpoints, which a later write replaces within seconds and which must not slow the capture.
enum class Durability { kSynced, kUnsynced };

absl::Status WriteReportAtomically(const Report& report, const std::string& path,
                                   Durability durability = Durability::kSynced);

// The same, into the directory `dir_fd` under `name` (a single path component): the
// temporary file is created with O_EXCL|O_NOFOLLOW and renamed with renameat, so nothing
// planted in the directory is followed. `shown_path` names the file in error messages.
absl::Status WriteReportAtomicallyAt(const Report& report, int dir_fd, const std::string& name,
                                     const std::string& shown_path,
                                     Durability durability = Durability::kSynced);

// The same for any bytes (a report's companion files, e.g. its OTLP record).
absl::Status WriteFileAtomicallyAt(const std::string& bytes, int dir_fd, const std::string& name,
                                   const std::string& shown_path,
                                   Durability durability = Durability::kSynced);

}  // namespace ddcrash

#endif  // DDCRASH_REPORT_REPORT_WRITER_H_
