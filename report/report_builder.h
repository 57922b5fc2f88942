// Assembles one Report. The builder owns the invariants a reader relies on: the schema
// version, scrubbed process details, frame indexes and module references that resolve,
// the crashed flag on the crashing thread, and `incomplete` set whenever a reason exists.
#ifndef DDCRASH_REPORT_REPORT_BUILDER_H_
#define DDCRASH_REPORT_REPORT_BUILDER_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <sys/sdt.h>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "report/report.pb.h"
#include "report/scrubber.h"

namespace ddcrash {

class ReportBuilder {
 public:
  ReportBuilder(Scrubber scrubber, std::string reporter_version, absl::Time start_time);

  void SetTrigger(Trigger trigger) { report_.set_trigger(trigger); }

  // Command line and environment are scrubbed here; nothing unscrubbed is ever stored.
  void SetProcess(uint32_t pid, uint32_t ppid, std::string exe,
                  const std::vector<std::string>& cmdline,
                  const std::vector<std::string>& environment);
  Runtime* mutable_runtime() { return report_.mutable_process()->mutable_runtime(); }

  // Fills the names from the numbers.
  void SetSignal(int number, int code, int error_number, uint64_t fault_address);
  void SetCrashingTid(uint32_t tid) { report_.set_crashing_tid(tid); }

  // Modules are added before frames so that frames can refer to them. Returns its index.
  int AddModule(Module module);

  Thread* AddThread(uint32_t tid, std::string name);
  // Appends a frame to `thread`: sets its index and, from its ip, the module reference
  // (module_index -1 when the ip is in no module), module path and module offset.
  Frame* AddFrame(Thread* thread, Frame frame);

  Exception* mutable_exception() { return report_.mutable_exception(); }

  void AddError(std::string error) { report_.mutable_diagnostics()->add_errors(std::move(error)); }
  void MarkIncomplete(absl::string_view stage, absl::string_view reason);
  void RecordStage(absl::string_view stage, absl::Duration duration);

  // Read access while building (e.g. to decide what is still missing).
  const Report& report() const { return report_; }

  // Finishes the report: total duration, crashed flags. The builder must not be used after.
  Report Build(absl::Time end_time) &&;

 private:
  int FindModuleIndex(uint64_t address);

  Scrubber scrubber_;
  Report report_;
  // (base, index into report_.modules) sorted by base; rebuilt lazily after AddModule.
  std::vector<std::pair<uint64_t, int>> modules_by_base_;
  bool modules_sorted_ = true;
  absl::Time start_time_;
};

// Records the duration of one stage on destruction, and marks its start and end with the USDT
// probes ddcrash:stage_begin(name) and ddcrash:stage_end(name, nanoseconds), so bpftrace can put
// the reporter's phases next to its syscalls (README "Observing ddreport").
class StageTimer {
 public:
  StageTimer(ReportBuilder* builder, absl::string_view stage)
      : builder_(builder), stage_(stage), start_(absl::Now()) {
    DTRACE_PROBE1(ddcrash, stage_begin, stage_.c_str());
  }
  StageTimer(const StageTimer&) = delete;
  StageTimer& operator=(const StageTimer&) = delete;
  ~StageTimer() {
    const absl::Duration duration = absl::Now() - start_;
    DTRACE_PROBE2(ddcrash, stage_end, stage_.c_str(), absl::ToInt64Nanoseconds(duration));
    builder_->RecordStage(stage_, duration);
  }

 private:
  ReportBuilder* builder_;
  std::string stage_;
  absl::Time start_;
};

}  // namespace ddcrash

#endif  // DDCRASH_REPORT_REPORT_BUILDER_H_
