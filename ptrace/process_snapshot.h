// A read-only picture of a process: its threads, its memory and its modules. The live
// implementation (FrozenProcess) holds every thread stopped with ptrace for as long as it
// exists; unit tests of the layers above use FakeProcessSnapshot.
#ifndef DDCRASH_PTRACE_PROCESS_SNAPSHOT_H_
#define DDCRASH_PTRACE_PROCESS_SNAPSHOT_H_

#include <sys/types.h>

#include "absl/status/status.h"
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

  // True when thread discovery proved that threads() holds every thread of the process.
  virtual bool all_threads_found() const = 0;
  // Why modules() is empty or partial, if it is.
  virtual const absl::Status& modules_status() const = 0;
};

}  // namespace ddcrash

#endif  // DDCRASH_PTRACE_PROCESS_SNAPSHOT_H_
