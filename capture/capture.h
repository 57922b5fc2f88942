// The capture pipeline: from the picture of a process (ptrace/process_snapshot.h), a native
// unwinder and a managed-state source to one report. It controls no process itself: the
// caller freezes the target, hands its picture over stage by stage, and detaches, so that the
// whole assembly is unit-tested over fakes (capture_test.cc).
//
// The stages, in order (each at most once):
//   SetProcess        who the process is (read before attaching)   -> checkpoint
//   (the caller freezes the process, timed by TimeStage("attach"))
//   AddSnapshot       threads, registers, modules                   -> checkpoint
//   UnwindStacks      native stacks, within the deadline            -> checkpoint
//   CollectManagedState  the runtime and its managed state, from the frozen process
//   MergeManagedState    managed frames, threads and exceptions into the report, while
//                        the caller detaches (it needs nothing more of the process)
//   RecordDetach      what detaching found, and how long it took
//   Build
// A checkpoint is the report so far, marked incomplete with what is still missing, handed to
// the checkpoint sink before a stage that could kill or stall the reporter.
#ifndef DDCRASH_CAPTURE_CAPTURE_H_
#define DDCRASH_CAPTURE_CAPTURE_H_

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "dac/managed_state_source.h"
#include "ptrace/process_info.h"
#include "ptrace/process_snapshot.h"
#include "report/report.pb.h"
#include "report/report_builder.h"
#include "unwind/native_unwinder.h"

namespace ddcrash {

// What the runtime told createdump about the crash.
struct CrashContext {
  int signal = 0;
  int code = 0;
  int error_number = 0;
  uint64_t fault_address = 0;
  pid_t crashing_tid = 0;
  // NativeAOT's --exception-record: what its fail-fast left for us (dac/nativeaot_crash_info.h).
  std::optional<uint64_t> exception_record;
};

struct CaptureOptions {
  // Diagnostics.reporter_version and .reporter_source_revision.
  std::string reporter_version;
  std::string reporter_source_revision;
  Trigger trigger = TRIGGER_SNAPSHOT;
  std::optional<CrashContext> crash;
  // When the reporter started; `timeout` (DDCRASH_TIMEOUT_MS) counts from here.
  absl::Time start;
  absl::Duration timeout = absl::Milliseconds(5000);
  // DDCRASH_DAC_TIMEOUT_MS: the managed-state source's allowance, never beyond the deadline.
  absl::Duration dac_timeout = absl::Milliseconds(3000);
  // DDCRASH_DAC_PATH.
  std::string dac_path;
  // DDCRASH_DAC_DIR.
  std::string dac_dir;
  // DDCRASH_MAX_FRAMES: per thread.
  int max_frames = 1024;
  // DDCRASH_SCRUB: extends the default secret-name pattern.
  std::string scrub_pattern;
  // Problems the caller found in its configuration, recorded as report errors.
  std::vector<std::string> warnings;
  // Receives each checkpoint; none are made when null.
  std::function<void(const Report&)> checkpoint;
  // The time now; injectable so that tests can move past the deadline without sleeping.
  std::function<absl::Time()> clock = [] { return absl::Now(); };
};

class Capture {
 public:
  explicit Capture(CaptureOptions options);
  Capture(const Capture&) = delete;
  Capture& operator=(const Capture&) = delete;

  // start + timeout: when the caller's own waits (freezing) must end too.
  absl::Time deadline() const { return deadline_; }

  // Times a stage the caller runs (attaching, detaching) into the report's stage timings, with
  // the USDT probes of StageTimer.
  StageTimer TimeStage(absl::string_view stage) { return StageTimer(&builder_, stage); }

  // Stage 1: the process's identity (command line and environment are scrubbed here) and the
  // reporting machine's name. Checkpoint: threads, modules and stacks are missing.
  void SetProcess(const ProcessInfo& info, std::string hostname);

  // Stage 2: the frozen process's threads, their registers or why they did not stop, and its
  // modules. Checkpoint: stacks are missing.
  void AddSnapshot(const ProcessSnapshot& process);

  // Stage 3: every stopped thread's native stack, named. Once the deadline has passed, the
  // remaining threads keep frame 0 only (UNWIND_END_DEADLINE). Checkpoint: the managed side is
  // missing. `process` is the one given to AddSnapshot.
  void UnwindStacks(const ProcessSnapshot& process, NativeUnwinder& unwinder);

  // Stage 4: the runtime's identity and its managed state, asked of the frozen process (timed
  // as stage "dac"). Any failure costs only this stage and is recorded as incomplete (stage
  // "dac"); nullopt when there is nothing to merge (no runtime, NativeAOT, a failure).
  std::optional<dac::ManagedState> CollectManagedState(ProcessSnapshot& process,
                                                       dac::ManagedStateSource& source);

  // Stage 5: that state into the report: managed frames merged into the native stacks,
  // managed thread ids and roles, exceptions (timed as stage "merge"). It reads nothing of the
  // process, so the caller may detach meanwhile, on another thread.
  void MergeManagedState(dac::ManagedState state);

  // Stage 6: the outcome of the caller's detach, how long it took (stage "detach"), and
  // whether the process died while frozen. After MergeManagedState has returned.
  void RecordDetach(const absl::Status& detached, absl::Duration duration, bool died_while_frozen);

  // The finished report. The capture must not be used after.
  Report Build() &&;

 private:
  void WriteCheckpoint(absl::string_view missing);
  // Each managed module's identity and PDB onto the report's module of the same path, and
  // one error for each module whose frames got no source lines, saying why.
  void AddManagedModules(const dac::ManagedState& state);

  // A NativeAOT fail-fast's record: the runtime version and the unhandled exception.
  void AddNativeAotCrashInfo(ProcessSnapshot& process, uint64_t exception_record);
  absl::Time Now() const { return options_.clock(); }
  // The report's threads with this OS thread id (one, or none).
  absl::Span<Thread* const> ThreadsWithTid(uint32_t tid) const;

  CaptureOptions options_;
  absl::Time deadline_;
  ReportBuilder builder_;
  // Parallel to the snapshot's threads(); owned by builder_'s report.
  std::vector<Thread*> threads_;
  // threads_ by tid: the DAC's threads are matched to them without a scan each.
  absl::flat_hash_map<uint32_t, std::vector<Thread*>> threads_by_tid_;
};

}  // namespace ddcrash

#endif  // DDCRASH_CAPTURE_CAPTURE_H_
