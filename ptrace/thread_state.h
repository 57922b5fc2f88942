// The captured state of one thread: identity, whether it could be stopped, and its registers.
#ifndef DDCRASH_PTRACE_THREAD_STATE_H_
#define DDCRASH_PTRACE_THREAD_STATE_H_

#include <sys/types.h>
#include <sys/user.h>

#include <string>

namespace ddcrash {

struct ThreadState {
  pid_t tid = 0;
  // /proc/PID/task/TID/comm, without the trailing newline.
  std::string name;
  // Scheduling state letter from /proc/PID/task/TID/stat at discovery ('R', 'S', 'D', ...).
  char sched_state = '?';
  // True when the thread was stopped and `regs` hold its registers.
  bool stopped = false;
  // Why the thread could not be stopped or its registers read; empty when `stopped`.
  std::string error;
  user_regs_struct regs{};
  // FXSAVE area (NT_FPREGSET); valid when `has_fpregs`.
  user_fpregs_struct fpregs{};
  bool has_fpregs = false;
};

}  // namespace ddcrash

#endif  // DDCRASH_PTRACE_THREAD_STATE_H_
