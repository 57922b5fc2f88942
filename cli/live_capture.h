// ddreport's live driver: reads the process's identity, freezes it, runs the capture pipeline
// (capture/) over the frozen picture with the live unwinder and DAC, and detaches. The
// process control is here; everything the report is made of is capture/'s.
#ifndef DDCRASH_CLI_LIVE_CAPTURE_H_
#define DDCRASH_CLI_LIVE_CAPTURE_H_

#include <sys/types.h>

#include <functional>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "capture/capture.h"
#include "cli/config.h"
#include "report/report.pb.h"

namespace ddcrash {

struct LiveCaptureRequest {
  pid_t pid = 0;
  Trigger trigger = TRIGGER_SNAPSHOT;
  std::optional<CrashContext> crash;
  // When ddreport started; the budget (Config::timeout) counts from here.
  absl::Time start = absl::Now();
  // When set, receives the report as built so far, marked incomplete, before each stage that
  // could kill or stall the reporter: attaching, unwinding, the DAC (see capture/capture.h).
  std::function<void(const Report&)> checkpoint;
};

// Fails only when nothing could be captured: NotFound (no such process, or it exited before
// any thread stopped), PermissionDenied (ptrace refused). Everything else that goes wrong
// is recorded in the report, which is then marked incomplete. Every thread is detached on
// return, whatever the outcome.
absl::StatusOr<Report> CaptureLiveProcess(const LiveCaptureRequest& request, const Config& config);

}  // namespace ddcrash

#endif  // DDCRASH_CLI_LIVE_CAPTURE_H_
