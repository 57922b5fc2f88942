// What ddreport says when it dies of its own fault (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT)
// or of its watchdog (SIGALRM, when DDCRASH_TIMEOUT_MS plus a grace is spent): one line on
// stderr naming the stage it was in and where its last checkpoint is. A fault then ends the
// process with its own signal (the exit status stays honest); the watchdog exits with
// kDdreportWatchdog. Either way the kernel detaches every seized thread, so the app resumes.
#ifndef DDCRASH_CLI_FATAL_SIGNALS_H_
#define DDCRASH_CLI_FATAL_SIGNALS_H_

#include <string>

#include "absl/time/time.h"

namespace ddcrash {

// Installs the handlers (on an alternate stack) for this process only: a forked child
// (the isolated DAC) dies silently with its signal, and its parent reports that. `prefix`
// starts each line ("ddreport", or "ddcrash" on a crashing app's stderr).
void InstallFatalSignalHandlers(const char* prefix);

// Arms the watchdog: SIGALRM after `budget`, however stuck the reporter is.
void ArmWatchdog(absl::Duration budget);

// Where the report is, for the line a dying reporter prints: its last checkpoint, or (once
// `final`) the finished report.
void SetReportPathForFatalSignals(const std::string& path, bool final);

}  // namespace ddcrash

#endif  // DDCRASH_CLI_FATAL_SIGNALS_H_
