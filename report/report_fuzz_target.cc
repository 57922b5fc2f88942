#include "report/report_fuzz_target.h"

#include "report/fingerprint.h"
#include "report/report_json.h"
#include "report/report_reader.h"
#include "report/text_renderer.h"

namespace ddcrash {

bool ParseAndRenderUntrustedReport(absl::string_view bytes) {
  absl::StatusOr<Report> report = ParseReport(bytes);
  if (!report.ok()) return false;
  (void)RenderSummary(*report);
  (void)RenderThreadList(*report);
  (void)RenderModules(*report);
  for (const Thread& thread : report->threads()) (void)RenderThread(*report, thread);
  (void)CrashFingerprint(*report);
  (void)ReportToJson(*report);
  return true;
}

}  // namespace ddcrash
