// Maps the captured picture of a process (ptrace/, unwind/) onto report.proto messages.
#ifndef DDCRASH_CAPTURE_REPORT_CONVERSION_H_
#define DDCRASH_CAPTURE_REPORT_CONVERSION_H_

#include <string>

#include "absl/strings/string_view.h"
#include "ptrace/module_map.h"
#include "ptrace/thread_state.h"
#include "report/report.pb.h"
#include "unwind/native_frame.h"

namespace ddcrash {

// A loaded module as the report lists it: format, build id as hex, size.
Module ModuleToProto(const LoadedModule& module);

Registers RegistersToProto(const ThreadState& thread);

// A native frame as a report frame. Its module reference, and with it whether it is native
// code or still unknown (JIT code until the DAC names it), are the builder's (AddFrame).
Frame NativeFrameToProto(const NativeFrame& frame);

// Why the native walk ended, as the report says it.
UnwindEnd UnwindEndToProto(WalkEnd end);

}  // namespace ddcrash

#endif  // DDCRASH_CAPTURE_REPORT_CONVERSION_H_
