// Keeps a report directory bounded: a crash loop must not fill the disk.
#ifndef DDCRASH_REPORT_STORAGE_REPORT_RETENTION_H_
#define DDCRASH_REPORT_STORAGE_REPORT_RETENTION_H_

#include <string>

#include "absl/status/status.h"

namespace ddcrash {

// Deletes the oldest reports ("ddcrash.*.pb", by modification time) in `directory` until at
// most `keep` remain, and temporary files that killed reporters left (".ddcrash.*", older
// than ten minutes). Other files are never touched.
absl::Status PruneReports(const std::string& directory, int keep);

}  // namespace ddcrash

#endif  // DDCRASH_REPORT_STORAGE_REPORT_RETENTION_H_
