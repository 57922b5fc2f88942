// The frame-pointer fallback: recovering a caller from the rbp chain when there is no unwind
// information (JIT code, non-ELF images such as .NET PE files, .debug_frame-only modules).
#ifndef DDCRASH_UNWIND_FRAME_POINTER_H_
#define DDCRASH_UNWIND_FRAME_POINTER_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "ptrace/module_map.h"
#include "ptrace/process_memory.h"

namespace ddcrash {

struct FramePointerStep {
  uint64_t ip = 0;   // the return address [rbp + 8]
  uint64_t sp = 0;   // rbp + 16: the caller's stack pointer after the return
  uint64_t rbp = 0;  // the caller's frame pointer [rbp]
};

// One step up the rbp chain from a frame whose stack pointer is `sp` and frame pointer `rbp`.
// Validated: rbp is 8-aligned, rbp >= sp, rbp and rbp + 16 lie in the mapping that holds `sp`
// (the stack), the words are readable, and the return address lies in an executable mapping.
absl::StatusOr<FramePointerStep> StepFramePointer(ProcessMemory& memory, const ModuleMap& modules,
                                                  uint64_t sp, uint64_t rbp);

// True when the code at `ip` is the x86-64 rt_sigreturn trampoline
// (mov $15, %rax; syscall), as glibc's __restore_rt and the kernel's vDSO use.
bool IsSigreturnTrampoline(ProcessMemory& memory, uint64_t ip);

}  // namespace ddcrash

#endif  // DDCRASH_UNWIND_FRAME_POINTER_H_
