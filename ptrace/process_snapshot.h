// A read-only picture of a process: its threads, its memory and its modules. The live
// implementation (FrozenProcess) holds every thread stopped with ptrace for as long as it
// exists; unit tests of the layers above use FakeProcessSnapshot.
#ifndef DDCRASH_PTRACE_PROCESS_SNAPSHOT_H_
#define DDCRASH_PTRACE_PROCESS_SNAPSHOT_H_

#include <sys/types.h>

#include "absl/types/span.h"
#include "ptrace/module_map.h"
#include "ptrace/process_memory.h"
#include "ptrace/thread_state.h"

namespace ddcrash {

class ProcessSnapshot {
 public:
  virtual ~ProcessSnapshot() = default;

  virtual pid_t pid() const = 0;
  virtual absl::Span<const ThreadState> threads() const = 0;
  virtual const ModuleMap& modules() const = 0;
  virtual ProcessMemory& memory() = 0;
};

}  // namespace ddcrash

#endif  // DDCRASH_PTRACE_PROCESS_SNAPSHOT_H_
