#include "report/report_builder.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "report/frame_ip.h"
#include "report/schema.h"
#include "report/signal_names.h"

namespace ddcrash {

ReportBuilder::ReportBuilder(Scrubber scrubber, std::string reporter_version,
                             absl::Time start_time)
    : scrubber_(std::move(scrubber)), start_time_(start_time) {
  report_.set_schema_version(kSchemaVersion);
  Diagnostics* diagnostics = report_.mutable_diagnostics();
  diagnostics->set_reporter_version(std::move(reporter_version));
  diagnostics->set_start_time_unix_nanos(absl::ToUnixNanos(start_time));
}

void ReportBuilder::SetProcess(uint32_t pid, uint32_t ppid, std::string exe,
                               const std::vector<std::string>& cmdline,
                               const std::vector<std::string>& environment) {
  Process* process = report_.mutable_process();
  process->set_pid(pid);
  process->set_ppid(ppid);
  process->set_exe(std::move(exe));
  process->clear_cmdline();
  for (std::string& arg : scrubber_.ScrubCommandLine(cmdline)) {
    process->add_cmdline(std::move(arg));
  }
  process->clear_environment();
  for (std::string& entry : scrubber_.ScrubEnvironment(environment)) {
    process->add_environment(std::move(entry));
  }
}

void ReportBuilder::SetSignal(int number, int code, int error_number, uint64_t fault_address) {
  Signal* signal = report_.mutable_signal();
  signal->set_number(number);
  signal->set_code(code);
  signal->set_error_number(error_number);
  signal->set_fault_address(fault_address);
  signal->set_name(SignalName(number));
  signal->set_code_name(SignalCodeName(number, code));
  signal->set_errno_name(ErrnoName(error_number));
}

int ReportBuilder::AddModule(Module module) {
  const int index = report_.modules_size();
  modules_by_base_.emplace_back(module.base(), index);
  modules_sorted_ = false;
  *report_.add_modules() = std::move(module);
  return index;
}

int ReportBuilder::FindModuleIndex(uint64_t address) {
  if (!modules_sorted_) {
    std::sort(modules_by_base_.begin(), modules_by_base_.end());
    modules_sorted_ = true;
  }
  auto it = std::upper_bound(modules_by_base_.begin(), modules_by_base_.end(),
                             std::make_pair(address, INT32_MAX));
  if (it == modules_by_base_.begin()) return -1;
  const int index = std::prev(it)->second;
  const Module& module = report_.modules(index);
  return address - module.base() < module.size() ? index : -1;
}

Thread* ReportBuilder::AddThread(uint32_t tid, std::string name) {
  Thread* thread = report_.add_threads();
  thread->set_tid(tid);
  thread->set_name(std::move(name));
  return thread;
}

Frame* ReportBuilder::AddFrame(Thread* thread, Frame frame) {
  Frame* added = thread->add_frames();
  *added = std::move(frame);
  PlaceFrame(thread, thread->frames_size() - 1);
  return added;
}

void ReportBuilder::PlaceFrames(Thread* thread) {
  for (int i = 0; i < thread->frames_size(); ++i) PlaceFrame(thread, i);
}

void ReportBuilder::PlaceFrame(Thread* thread, int index) {
  Frame* frame = thread->mutable_frames(index);
  frame->set_index(static_cast<uint32_t>(index));
  SetFrameModule(FrameCodeAddress(index, *frame, index > 0 ? &thread->frames(index - 1) : nullptr),
                 frame);
  const int module_index = frame->module_index();
  if (frame->kind() == FRAME_KIND_UNSPECIFIED) {
    const bool elf =
        module_index >= 0 && report_.modules(module_index).format() == MODULE_FORMAT_ELF;
    frame->set_kind(elf ? FRAME_KIND_NATIVE : FRAME_KIND_UNKNOWN);
  }
}

void ReportBuilder::SetFrameModule(uint64_t code_address, Frame* frame) {
  const int module_index = frame->ip() == 0 ? -1 : FindModuleIndex(code_address);
  frame->set_module_index(module_index);
  if (module_index >= 0) {
    frame->set_module_offset(frame->ip() - report_.modules(module_index).base());
  } else {
    frame->clear_module_offset();
  }
}

void ReportBuilder::MarkIncomplete(absl::string_view stage, absl::string_view reason) {
  Diagnostics* diagnostics = report_.mutable_diagnostics();
  diagnostics->set_incomplete(true);
  IncompleteReason* entry = diagnostics->add_incomplete_reasons();
  entry->set_stage(std::string(stage));
  entry->set_reason(std::string(reason));
}

void ReportBuilder::RecordStage(absl::string_view stage, absl::Duration duration) {
  StageTiming* timing = report_.mutable_diagnostics()->add_stages();
  timing->set_stage(std::string(stage));
  timing->set_duration_nanos(absl::ToInt64Nanoseconds(duration));
}

void ReportBuilder::ScrubExceptionChain(Exception* exception, int depth) const {
  // Chains and aggregates nest; the bound matches the deepest the capture writes.
  constexpr int kMaxDepth = 64;
  for (; exception != nullptr && depth < kMaxDepth;
       exception = exception->has_inner() ? exception->mutable_inner() : nullptr, ++depth) {
    exception->set_message(scrubber_.ScrubText(exception->message()));
    exception->set_stack_trace(scrubber_.ScrubText(exception->stack_trace()));
    exception->set_remote_stack_trace(scrubber_.ScrubText(exception->remote_stack_trace()));
    for (Exception& inner : *exception->mutable_inner_exceptions()) {
      ScrubExceptionChain(&inner, depth + 1);
    }
  }
}

void ReportBuilder::Finish(Report& report, absl::Time end_time) const {
  // Thread names repeat (a pool's thousand workers share a few): each is scrubbed once.
  absl::flat_hash_map<std::string, std::string> scrubbed_names;
  for (Thread& thread : *report.mutable_threads()) {
    if (report.crashing_tid() != 0 && thread.tid() == report.crashing_tid()) {
      thread.set_crashed(true);
    }
    // Text from the target is scrubbed here, where every report passes, so no caller can
    // store it unscrubbed.
    auto [name, added] = scrubbed_names.try_emplace(thread.name());
    if (added) name->second = scrubber_.ScrubText(thread.name());
    thread.set_name(name->second);
    if (thread.has_exception()) ScrubExceptionChain(thread.mutable_exception(), 0);
  }
  if (report.has_exception()) ScrubExceptionChain(report.mutable_exception(), 0);
  report.mutable_diagnostics()->set_total_duration_nanos(
      absl::ToInt64Nanoseconds(end_time - start_time_));
}

Report ReportBuilder::Build(absl::Time end_time) && {
  Finish(report_, end_time);
  return std::move(report_);
}

Report ReportBuilder::Checkpoint(absl::Time now, absl::string_view missing) const {
  Report checkpoint = report_;
  Finish(checkpoint, now);
  Diagnostics* diagnostics = checkpoint.mutable_diagnostics();
  diagnostics->set_incomplete(true);
  IncompleteReason* reason = diagnostics->add_incomplete_reasons();
  reason->set_stage("checkpoint");
  reason->set_reason(absl::StrCat("the reporter stopped before finishing; missing: ", missing));
  return checkpoint;
}

}  // namespace ddcrash
