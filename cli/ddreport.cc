#include "cli/ddreport.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "cli/capture.h"
#include "cli/config.h"
#include "cli/ddreport_options.h"
#include "cli/exit_codes.h"
#include "cli/report_path.h"
#include "cli/version.h"
#include "report/report_writer.h"

namespace ddcrash {
namespace {

int ExitCodeFor(const absl::Status& status) {
  if (absl::IsNotFound(status) || absl::IsFailedPrecondition(status)) return kDdreportNoTarget;
  if (absl::IsPermissionDenied(status)) return kDdreportAttachDenied;
  return kDdreportNoTarget;
}

// One line a human (or a log collector) can act on.
std::string SummaryLine(const Report& report, const std::string& path) {
  std::string what = report.trigger() == TRIGGER_SNAPSHOT
                         ? absl::StrCat("snapshot of pid ", report.process().pid())
                         : absl::StrCat("crash of pid ", report.process().pid());
  return absl::StrFormat("ddreport: %s: %d threads, %d modules, %s, %d ms -> %s\n", what,
                         report.threads_size(), report.modules_size(),
                         report.diagnostics().incomplete() ? "INCOMPLETE" : "complete",
                         report.diagnostics().total_duration_nanos() / 1000000, path);
}

int RunSnapshot(const DdreportOptions& options, std::ostream& err) {
  const absl::Time start = absl::Now();
  const Config config = LoadConfig();
  for (const std::string& warning : config.warnings) err << "ddreport: warning: " << warning << "\n";

  CaptureRequest request;
  request.pid = options.pid;
  request.trigger = TRIGGER_SNAPSHOT;
  request.start = start;
  absl::StatusOr<Report> report = CaptureProcess(request, config);
  if (!report.ok()) {
    err << "ddreport: cannot capture process " << options.pid << ": " << report.status().message()
        << "\n";
    return ExitCodeFor(report.status());
  }

  std::string path = options.output_path;
  if (path.empty()) {
    absl::Status directory = EnsureDirectory(config.report_dir);
    if (!directory.ok()) {
      err << "ddreport: " << directory.message() << "\n";
      return kDdreportWriteFailed;
    }
    path = ReportPathFor(config.report_dir, report->process().exe(), options.pid, start);
  }
  absl::Status written = WriteReportAtomically(*report, path);
  if (!written.ok()) {
    err << "ddreport: " << written.message() << "\n";
    return kDdreportWriteFailed;
  }
  err << SummaryLine(*report, path);
  return report->diagnostics().incomplete() ? kDdreportPartial : kDdreportComplete;
}

}  // namespace

int RunDdreport(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  absl::StatusOr<DdreportOptions> options = ParseDdreportOptions(args);
  if (!options.ok()) {
    err << "ddreport: " << options.status().message() << "\n" << kDdreportUsageText;
    return kDdreportUsage;
  }
  switch (options->mode) {
    case DdreportOptions::Mode::kHelp:
      out << kDdreportUsageText;
      return kDdreportComplete;
    case DdreportOptions::Mode::kVersion:
      out << "ddreport " << kDdcrashVersion << "\n";
      return kDdreportComplete;
    case DdreportOptions::Mode::kSnapshot:
      return RunSnapshot(*options, err);
    case DdreportOptions::Mode::kCreatedump:
      err << "ddreport: the createdump entry is not built yet\n";
      return kDdreportUsage;
  }
  return kDdreportUsage;
}

}  // namespace ddcrash
