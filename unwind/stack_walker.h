// The entry point for unwinding one captured thread: walk the native stack, then symbolize
// every frame (module index, offset in module, build id, function).
#ifndef DDCRASH_UNWIND_STACK_WALKER_H_
#define DDCRASH_UNWIND_STACK_WALKER_H_

#include "absl/status/statusor.h"
#include "ptrace/module_map.h"
#include "ptrace/process_memory.h"
#include "ptrace/thread_state.h"
#include "unwind/native_frame.h"
#include "unwind/symbolizer.h"
#include "unwind/unwinder.h"

namespace ddcrash {

// Unwinds `thread` (stopped) of the process whose memory and modules are given. To unwind many
// threads of one process, prefer a RemoteUnwinder (its tables are cached) plus SymbolizeFrames.
absl::StatusOr<UnwoundStack> UnwindThread(const ThreadState& thread, ProcessMemory& memory,
                                          const ModuleMap& modules, const UnwindOptions& options);

// Fills module_index, module_offset, build_id and function/mangled_name/function_offset of
// every frame. Return addresses are looked up at ip - 1 (NativeFrame::LookupAddress).
void SymbolizeFrames(const ModuleMap& modules, Symbolizer& symbolizer, UnwoundStack& stack);

}  // namespace ddcrash

#endif  // DDCRASH_UNWIND_STACK_WALKER_H_
