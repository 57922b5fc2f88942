// Reading the memory of a live process (normally one this process has stopped with ptrace).
#ifndef DDCRASH_PTRACE_LIVE_PROCESS_MEMORY_H_
#define DDCRASH_PTRACE_LIVE_PROCESS_MEMORY_H_

#include <sys/types.h>

#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "ptrace/process_memory.h"

namespace ddcrash {

// Reads with process_vm_readv (one syscall per read, no ptrace needed beyond permission),
// falling back to pread on /proc/PID/mem, opened once, when process_vm_readv is unavailable
// (ENOSYS, EPERM under some seccomp/LSM setups) or stops short (EFAULT or a partial count):
// /proc/PID/mem also reads pages the target mapped without PROT_READ. Never PTRACE_PEEKDATA,
// which costs a syscall per word. Not thread-safe.
class LiveProcessMemory : public ProcessMemory {
 public:
  explicit LiveProcessMemory(pid_t pid);
  ~LiveProcessMemory() override;
  LiveProcessMemory(const LiveProcessMemory&) = delete;
  LiveProcessMemory& operator=(const LiveProcessMemory&) = delete;

  absl::StatusOr<size_t> Read(uint64_t address, absl::Span<uint8_t> out) override;
  // Opens /proc/PID/mem now (its permission check happens at open) and reads through it from
  // then on, since process_vm_readv checks permission at every call.
  absl::Status HoldAccess() override;

  pid_t pid() const { return pid_; }

 private:
  void OpenProcMem();
  // Reads with pread on /proc/PID/mem; returns bytes read (0 with `error` set on failure).
  size_t ReadProcMem(uint64_t address, absl::Span<uint8_t> out, int& error);

  pid_t pid_;
  bool vm_readv_usable_ = true;  // false once process_vm_readv failed with ENOSYS/EPERM
  int mem_fd_ = -1;
  int mem_open_errno_ = 0;  // set when opening /proc/PID/mem failed; not retried
};

}  // namespace ddcrash

#endif  // DDCRASH_PTRACE_LIVE_PROCESS_MEMORY_H_
