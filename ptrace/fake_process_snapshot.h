// A ProcessSnapshot assembled by a test from threads, a module map and fake memory: the
// stand-in for FrozenProcess in unit tests of unwind/, dac/ and report assembly (capture/).
#ifndef DDCRASH_PTRACE_FAKE_PROCESS_SNAPSHOT_H_
#define DDCRASH_PTRACE_FAKE_PROCESS_SNAPSHOT_H_

#include <sys/types.h>

#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "ptrace/fake_process_memory.h"
#include "ptrace/module_map.h"
#include "ptrace/process_snapshot.h"
#include "ptrace/thread_state.h"

namespace ddcrash {

class FakeProcessSnapshot : public ProcessSnapshot {
 public:
  explicit FakeProcessSnapshot(pid_t pid = 1000) : pid_(pid) {}

  void AddThread(ThreadState thread) { threads_.push_back(std::move(thread)); }
  void set_modules(ModuleMap modules) { modules_ = std::move(modules); }
  FakeProcessMemory& fake_memory() { return memory_; }
  void set_all_threads_found(bool found) { all_threads_found_ = found; }
  void set_modules_status(absl::Status status) { modules_status_ = std::move(status); }

  pid_t pid() const override { return pid_; }
  absl::Span<const ThreadState> threads() const override { return threads_; }
  const ModuleMap& modules() const override { return modules_; }
  ProcessMemory& memory() override { return memory_; }
  bool all_threads_found() const override { return all_threads_found_; }
  const absl::Status& modules_status() const override { return modules_status_; }

 private:
  pid_t pid_;
  std::vector<ThreadState> threads_;
  ModuleMap modules_;
  FakeProcessMemory memory_;
  bool all_threads_found_ = true;
  absl::Status modules_status_;
};

}  // namespace ddcrash

#endif  // DDCRASH_PTRACE_FAKE_PROCESS_SNAPSHOT_H_
