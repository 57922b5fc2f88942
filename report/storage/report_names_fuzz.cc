#include "report/storage/report_names_fuzz.h"

#include <cstdlib>

#include "report/storage/report_path.h"
#include "report/storage/report_retention.h"

namespace ddcrash {

bool FuzzReportName(absl::string_view bytes) {
  (void)LooksLikeReport(bytes);
  std::optional<ReportFileNameParts> parts = ParseReportFileName(bytes);
  if (!parts) return false;
  if (ReportFileName(parts->exe, parts->pid, absl::FromUnixSeconds(parts->unix_seconds)) !=
      bytes) {
    abort();
  }
  return true;
}

}  // namespace ddcrash
