#include "cli/ddreport.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "cli/config.h"
#include "cli/createdump_args.h"
#include "cli/ddreport_options.h"
#include "cli/exit_codes.h"
#include "cli/fatal_signals.h"
#include "cli/live_capture.h"
#include "cli/version.h"
#include "otlp/otlp_spool.h"
#include "report/storage/report_file.h"
#include "report/crashing_thread.h"
#include "report/text_renderer.h"
#include "report/throw_site.h"

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

// ddreport exits right after its report is written, and the kernel takes its memory back at
// once: destroying the report's tens of thousands of messages one by one would cost about a
// tenth of a large snapshot's instructions. The report stays reachable (leak checkers stay
// quiet); a second run in the same process (a test) frees the first one's.
void KeepUntilExit(Report report) {
  static Report* kept = nullptr;
  delete kept;
  kept = new Report(std::move(report));
}

// Past the budget, stages stop early on their own; the watchdog is for a reporter that is
// stuck and cannot notice. The grace leaves time to write what it has.
constexpr absl::Duration kWatchdogGrace = absl::Milliseconds(500);

// DDCRASH_OTLP_DIR: the report's OTLP record, for a collector tailing the spool. A failure
// costs that file only.
void SpoolOtlp(const Config& config, const Report& report, const std::string& path,
               std::ostream& err) {
  if (config.otlp_dir.empty()) return;
  absl::StatusOr<std::string> spooled =
      WriteOtlpSpoolFile(config.otlp_dir, report, {path, kDdcrashVersion, absl::Now()},
                         config.max_reports);
  if (!spooled.ok()) {
    err << "ddreport: cannot write the OTLP record: " << spooled.status().message() << "\n";
  }
}

int RunSnapshot(const DdreportOptions& options, std::ostream& err) {
  const absl::Time start = absl::Now();
  const Config config = LoadConfig();
  InstallFatalSignalHandlers("ddreport");
  ArmWatchdog(config.timeout + kWatchdogGrace);
  for (const std::string& warning : config.warnings) err << "ddreport: warning: " << warning << "\n";

  // No checkpoints: a live process can be snapshotted again, and a snapshot should hold the
  // app stopped no longer than the capture itself needs.
  LiveCaptureRequest request;
  request.pid = options.pid;
  request.trigger = TRIGGER_SNAPSHOT;
  request.start = start;
  absl::StatusOr<Report> report = CaptureLiveProcess(request, config);
  if (!report.ok()) {
    err << "ddreport: cannot capture process " << options.pid << ": " << report.status().message()
        << "\n";
    return ExitCodeFor(report.status());
  }

  ReportFile file(options.output_path, config.report_dir, config.max_reports, start);
  absl::StatusOr<std::string> path = file.WriteFinal(*report);
  int exit_code = kDdreportWriteFailed;
  if (path.ok()) {
    err << SummaryLine(*report, *path);
    SpoolOtlp(config, *report, *path, err);
    exit_code = report->diagnostics().incomplete() ? kDdreportPartial : kDdreportComplete;
  } else {
    err << "ddreport: " << path.status().message() << "\n";
  }
  KeepUntilExit(*std::move(report));
  return exit_code;
}

// Where the crash happened, for the one-line summary: the frame interrupted by the signal
// (above the signal trampoline), else the first managed frame (an unhandled exception is
// raised from the runtime's abort path), else the top frame.
const Frame* CrashSite(const Thread& thread) {
  for (int i = 0; i + 1 < thread.frames_size(); ++i) {
    if (thread.frames(i).kind() == FRAME_KIND_SIGNAL_TRAMPOLINE) return &thread.frames(i + 1);
  }
  for (const Frame& frame : thread.frames()) {
    // .NET 9+ dispatches exceptions in managed code of its own (System.Runtime.EH): the throw
    // site is the first managed frame outside it.
    if (frame.kind() == FRAME_KIND_MANAGED &&
        !absl::StartsWith(frame.function(), "System.Runtime.EH.")) {
      return &frame;
    }
  }
  return thread.frames_size() > 0 ? &thread.frames(0) : nullptr;
}

// The one line a crashing app prints on its stderr (where container logs look).
std::string CrashLine(const Report& report, const std::string& path) {
  std::string cause = report.exception().type().empty()
                          ? report.signal().name()
                          : absl::StrCat(report.exception().type(), ": ", report.exception().message());
  if (cause.empty()) cause = "crash";
  // One line: some messages have more ("Actual value was 5.", "Object name: 'w'.").
  std::replace(cause.begin(), cause.end(), '\n', ' ');
  std::string where;
  // The exception's own record names where it was thrown; a rethrow put a dispatcher on the
  // stack (ExceptionDispatchInfo.Throw for an await or a thread's execution context).
  const Frame* thrown_at = ThrowSite(report.exception());
  if (const Thread* thread = CrashingThread(report); thread != nullptr && thread->crashed()) {
    where = absl::StrCat(" in thread ", thread->tid(), " \"", thread->name(), "\"");
    if (const Frame* site = thrown_at != nullptr ? thrown_at : CrashSite(*thread); site != nullptr) {
      absl::StrAppend(&where, " at ", FrameLabel(report, *site));
    }
  }
  return absl::StrCat("ddcrash: ", report.process().exe(), " (pid ", report.process().pid(),
                      ") crashed: ", cause, where, "; report: ", path,
                      report.diagnostics().incomplete() ? " (incomplete)" : "", "\n");
}

// The crashing thread as ddquery --crashing prints it, for when no report file can be written.
std::string CrashingThreadText(const Report& report) {
  const Thread* thread = CrashingThread(report);
  return thread == nullptr ? "" : RenderThread(report, *thread);
}

// The user asked for dumps (DbgEnableMiniDump=1 before the hook changed it): run the runtime's
// createdump with the original arguments and the user's own dump name, within the budget.
void RunRealCreatedump(const std::vector<std::string>& original_args, absl::Time deadline,
                       std::ostream& err) {
  const char* user_name = getenv("DDCRASH_USER_DUMP_NAME");
  std::vector<std::string> args;
  for (size_t i = 0; i < original_args.size(); ++i) {
    if ((original_args[i] == "--name" || original_args[i] == "-f") && i + 1 < original_args.size()) {
      if (user_name != nullptr && user_name[0] != '\0') {
        args.push_back(original_args[i]);
        args.push_back(user_name);
      }
      ++i;
      continue;
    }
    args.push_back(original_args[i]);
  }
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const pid_t child = fork();
  if (child < 0) {
    err << "ddreport: cannot run createdump: fork failed\n";
    return;
  }
  if (child == 0) {
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  while (waitpid(child, &status, WNOHANG) == 0) {
    if (absl::Now() >= deadline) {
      kill(child, SIGKILL);
      waitpid(child, &status, 0);
      err << "ddreport: createdump did not finish within DDCRASH_TIMEOUT_MS; stopped it\n";
      return;
    }
    absl::SleepFor(absl::Milliseconds(5));
  }
}

int RunCreatedump(const DdreportOptions& options, std::ostream& err) {
  const absl::Time start = absl::Now();
  const Config config = LoadConfig();
  InstallFatalSignalHandlers("ddcrash");
  ArmWatchdog(config.timeout + kWatchdogGrace);
  for (const std::string& warning : config.warnings) err << "ddcrash: warning: " << warning << "\n";

  absl::StatusOr<CreatedumpArgs> args = ParseCreatedumpArgs(options.createdump_args);
  if (!args.ok()) {
    err << "ddcrash: " << args.status().message() << "\n";
    return kDdreportUsage;
  }
  LiveCaptureRequest request;
  request.pid = args->pid;
  request.trigger = TRIGGER_CRASH;
  request.start = start;
  CrashContext crash;
  crash.signal = args->signal.value_or(0);
  crash.code = args->code.value_or(0);
  crash.error_number = args->error_number.value_or(0);
  crash.fault_address = args->address.value_or(0);
  crash.crashing_tid = args->crash_thread.value_or(0);
  crash.exception_record = args->exception_record;
  request.crash = crash;
  Config capture_config = config;
  for (const std::string& warning : args->warnings) capture_config.warnings.push_back(warning);

  // The crash happens once: checkpoints keep what was captured if the reporter is killed,
  // crashes or stalls before the end.
  ReportFile file("", config.report_dir, config.max_reports, start);
  request.checkpoint = [&file](const Report& checkpoint) {
    file.WriteCheckpoint(checkpoint);
    if (file.has_checkpoint()) SetReportPathForFatalSignals(file.path(), /*final=*/false);
  };

  int exit_code = kDdreportComplete;
  absl::StatusOr<Report> report = CaptureLiveProcess(request, capture_config);
  if (!report.ok()) {
    // Nothing was captured (the process is gone, or ptrace was refused): the checkpoint
    // written before attaching would otherwise stay as a report of a crash never seen.
    file.DiscardCheckpoint();
    err << "ddcrash: cannot capture crashing process " << args->pid << ": "
        << report.status().message() << "\n";
    exit_code = ExitCodeFor(report.status());
  } else {
    absl::StatusOr<std::string> path = file.WriteFinal(*report);
    if (path.ok()) {
      SetReportPathForFatalSignals(*path, /*final=*/true);
      err << CrashLine(*report, *path);
      SpoolOtlp(config, *report, *path, err);
      exit_code = report->diagnostics().incomplete() ? kDdreportPartial : kDdreportComplete;
    } else {
      // Nowhere to write (read-only or full file system): the crash must not go unrecorded,
      // so the crashing thread goes to the app's stderr, where container logs collect it.
      err << "ddcrash: cannot write the crash report: " << path.status().message()
          << (file.has_checkpoint() ? absl::StrCat("; an earlier checkpoint is at ", file.path())
                                    : std::string())
          << "\n"
          << CrashLine(*report, "(not written)") << CrashingThreadText(*report);
      exit_code = kDdreportWriteFailed;
    }
    KeepUntilExit(*std::move(report));
  }
  const char* user_dump = getenv("DDCRASH_USER_DUMP");
  if (user_dump != nullptr && std::string(user_dump) == "1") {
    RunRealCreatedump(options.createdump_args, start + config.timeout, err);
  }
  return exit_code;
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
      out << "ddreport " << kDdcrashVersion << " (" << kDdcrashSourceRevision << ")\n";
      return kDdreportComplete;
    case DdreportOptions::Mode::kSnapshot:
      return RunSnapshot(*options, err);
    case DdreportOptions::Mode::kCreatedump:
      return RunCreatedump(*options, err);
  }
  return kDdreportUsage;
}

}  // namespace ddcrash
