// Assembles one Report. The builder owns the invariants a reader relies on: the schema
// version, scrubbed process details, frame indexes and module references that resolve,
// the crashed flag on the crashing thread, and `incomplete` set whenever a reason exists.
#ifndef DDCRASH_REPORT_REPORT_BUILDER_H_
#define DDCRASH_REPORT_REPORT_BUILDER_H_

#include <atomic>
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
  void SetReporterSourceRevision(std::string revision) {
    report_.mutable_diagnostics()->set_reporter_source_revision(std::move(revision));
  }

  // Command line and environment are scrubbed here; nothing unscrubbed is ever stored.
  void SetProcess(uint32_t pid, uint32_t ppid, std::string exe,
                  const std::vector<std::string>& cmdline,
                  const std::vector<std::string>& environment);
  void SetHostname(std::string hostname) {
    report_.mutable_process()->set_hostname(std::move(hostname));
  }
  Runtime* mutable_runtime() { return report_.mutable_process()->mutable_runtime(); }

  // Fills the names from the numbers.
  void SetSignal(int number, int code, int error_number, uint64_t fault_address);
  void SetCrashingTid(uint32_t tid) { report_.set_crashing_tid(tid); }

  // Modules are added before frames so that frames can refer to them. Returns its index.
  int AddModule(Module module);
  Module* mutable_module(int index) { return report_.mutable_modules(index); }

  Thread* AddThread(uint32_t tid, std::string name);
  // Appends a frame to `thread`: sets its index and its module reference, module path and
  // module offset, as report.proto defines them on Frame (the module of the frame's code
  // address: ip for frame 0, a signal trampoline and the frame right above one, else ip - 1;
  // module_offset = ip - module base). This is the one place frames are attributed to
  // modules. A frame of the native walk (kind unset) becomes FRAME_KIND_NATIVE in an ELF
  // module and FRAME_KIND_UNKNOWN elsewhere (JIT code, PE images: until the DAC names it).
  Frame* AddFrame(Thread* thread, Frame frame);
  // Gives every frame of `thread` its index, module and kind as AddFrame does, for frames
  // that were put in or moved among the thread's frames since (the managed merge).
  void PlaceFrames(Thread* thread);
  // Sets `frame`'s module_index and module_offset from the module holding
  // `code_address` (the address the frame's code is looked up at).
  void SetFrameModule(uint64_t code_address, Frame* frame);

  Exception* mutable_exception() { return report_.mutable_exception(); }
  DacAccount* mutable_dac_account() { return report_.mutable_diagnostics()->mutable_dac(); }

  void AddError(std::string error) { report_.mutable_diagnostics()->add_errors(std::move(error)); }
  void MarkIncomplete(absl::string_view stage, absl::string_view reason);
  void RecordStage(absl::string_view stage, absl::Duration duration);

  // Read access while building (e.g. to decide what is still missing).
  const Report& report() const { return report_; }

  // Finishes the report: total duration, crashed flags, thread names and exception messages
  // and stack traces scrubbed (Scrubber::ScrubText). The builder must not be used after.
  Report Build(absl::Time end_time) &&;

  // The report as built so far, finished like Build() and marked incomplete at stage
  // "checkpoint" with `missing` (what a reporter that stops here never added). Written while
  // the capture goes on, it is what survives a reporter that is killed or crashes.
  Report Checkpoint(absl::Time now, absl::string_view missing) const;

 private:
  int FindModuleIndex(uint64_t address);
  // What AddFrame defines for frame `index`; its code address depends on the frame above it.
  void PlaceFrame(Thread* thread, int index);
  void Finish(Report& report, absl::Time end_time) const;
  void ScrubExceptionChain(Exception* exception, int depth) const;

  Scrubber scrubber_;
  Report report_;
  // (base, index into report_.modules) sorted by base; rebuilt lazily after AddModule.
  std::vector<std::pair<uint64_t, int>> modules_by_base_;
  bool modules_sorted_ = true;
  absl::Time start_time_;
};

// Records the duration of one stage on destruction (in `builder`, unless null: a stage after
// the report is built), and marks its start and end with the USDT probes
// ddcrash:stage_begin(name) and ddcrash:stage_end(name, nanoseconds), so bpftrace can put the
// reporter's phases next to its syscalls (README "Observing ddreport").
class StageTimer {
 public:
  StageTimer(ReportBuilder* builder, absl::string_view stage)
      : builder_(builder), stage_(stage), start_(absl::Now()) {
    previous_ = current_.exchange(stage_.c_str());
    DTRACE_PROBE1(ddcrash, stage_begin, stage_.c_str());
  }
  StageTimer(const StageTimer&) = delete;
  StageTimer& operator=(const StageTimer&) = delete;
  ~StageTimer() {
    const absl::Duration duration = absl::Now() - start_;
    DTRACE_PROBE2(ddcrash, stage_end, stage_.c_str(), absl::ToInt64Nanoseconds(duration));
    current_.store(previous_);
    if (builder_ != nullptr) builder_->RecordStage(stage_, duration);
  }

  // The innermost stage running now on this thread, or nullptr; async-signal-safe, so that a
  // fatal-signal handler (run on the thread that faulted) can say where the reporter died.
  static const char* Current() { return current_.load(); }

 private:
  static inline thread_local std::atomic<const char*> current_{nullptr};

  ReportBuilder* builder_;
  std::string stage_;
  absl::Time start_;
  const char* previous_ = nullptr;
};

}  // namespace ddcrash

#endif  // DDCRASH_REPORT_REPORT_BUILDER_H_
