// Reads and validates a report from untrusted bytes: size limits, protobuf parsing, and the
// invariants the builder guarantees. Every failure is a clear error, never a crash.
#ifndef DDCRASH_REPORT_REPORT_READER_H_
#define DDCRASH_REPORT_REPORT_READER_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "report/report.pb.h"

namespace ddcrash {

// Far above any real report (1000 threads x 1024 frames is ~40 MiB).
inline constexpr size_t kMaxReportBytes = 256u << 20;
// What a report may take once parsed, estimated from its wire format before parsing (a
// report at the byte limit takes up to ~3x its size; empty messages ~60x): bounds memory use.
inline constexpr size_t kMaxParsedReportBytes = size_t{1} << 30;

// Parses and validates report bytes. Errors are InvalidArgument (corrupt or foreign data),
// ResourceExhausted (past a limit above) or FailedPrecondition (a report from a newer schema).
absl::StatusOr<Report> ParseReport(absl::string_view bytes);

// Reads a file and parses it; NotFound/PermissionDenied etc. for unreadable files,
// InvalidArgument for anything but a regular file (a FIFO or a device is refused, never
// waited on).
absl::StatusOr<Report> ReadReportFile(const std::string& path);

}  // namespace ddcrash

#endif  // DDCRASH_REPORT_REPORT_READER_H_
