// Writes a report so that the final name never holds a partial file: the bytes go to a
// temporary file in the same directory, are fsync'ed, then renamed over the final name.
#ifndef DDCRASH_REPORT_REPORT_WRITER_H_
#define DDCRASH_REPORT_REPORT_WRITER_H_

#include <string>

#include "absl/status/status.h"
#include "report/report.pb.h"

namespace ddcrash {

absl::Status WriteReportAtomically(const Report& report, const std::string& path);

}  // namespace ddcrash

#endif  // DDCRASH_REPORT_REPORT_WRITER_H_
