// Maps the captured picture of a process (ptrace/, unwind/) onto report.proto messages.
#ifndef DDCRASH_CLI_REPORT_CONVERSION_H_
#define DDCRASH_CLI_REPORT_CONVERSION_H_

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

// A native frame as a report frame (the builder fills module references from the ip).
Frame NativeFrameToProto(const NativeFrame& frame, const ModuleMap& modules);

}  // namespace ddcrash

#endif  // DDCRASH_CLI_REPORT_CONVERSION_H_
