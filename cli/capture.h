// The capture pipeline shared by `ddreport --pid` and the createdump entry: freeze every
// thread, record modules and registers, unwind and symbolize each stack within the time
// budget, detach, and hand back one report.
#ifndef DDCRASH_CLI_CAPTURE_H_
#define DDCRASH_CLI_CAPTURE_H_

#include <sys/types.h>

#include <functional>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cli/config.h"
#include "report/report.pb.h"

namespace ddcrash {

// What the runtime told createdump about the crash.
struct CrashContext {
  int signal = 0;
  int code = 0;
  int error_number = 0;
  uint64_t fault_address = 0;
  pid_t crashing_tid = 0;
};

struct CaptureRequest {
  pid_t pid = 0;
  Trigger trigger = TRIGGER_SNAPSHOT;
  std::optional<CrashContext> crash;
  // When ddreport started; the budget (Config::timeout) counts from here.
  absl::Time start = absl::Now();
  // When set, receives the report as built so far, marked incomplete (ReportBuilder::
  // Checkpoint), before each stage that could kill or stall the reporter: attaching,
  // unwinding, the DAC.
  std::function<void(const Report&)> checkpoint;
};

// Fails only when nothing could be captured: NotFound (no such process, or it exited before
// any thread stopped), PermissionDenied (ptrace refused). Everything else that goes wrong
// is recorded in the report, which is then marked incomplete. Every thread is detached on
// return, whatever the outcome.
absl::StatusOr<Report> CaptureProcess(const CaptureRequest& request, const Config& config);

}  // namespace ddcrash

#endif  // DDCRASH_CLI_CAPTURE_H_
