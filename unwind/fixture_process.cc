#include "unwind/fixture_process.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ddcrash {

absl::StatusOr<std::unique_ptr<FixtureProcess>> FixtureProcess::Start(
    std::vector<std::string> argv, const std::string& delete_before_freeze) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return absl::InternalError("pipe2");
  std::vector<char*> args;
  for (std::string& arg : argv) args.push_back(arg.data());
  args.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork");
  if (pid == 0) {
    dup2(fds[1], 1);
    execv(args[0], args.data());
    _exit(127);
  }
  close(fds[1]);
  std::unique_ptr<FixtureProcess> process(new FixtureProcess());
  process->pid_ = pid;
  std::string got;
  while (got.find('\n') == std::string::npos) {
    struct pollfd pfd = {fds[0], POLLIN, 0};
    int n = poll(&pfd, 1, 10000);
    if (n <= 0) {
      close(fds[0]);
      return absl::DeadlineExceededError("fixture did not become ready");
    }
    char buf[64];
    ssize_t r = read(fds[0], buf, sizeof(buf));
    if (r <= 0) {
      close(fds[0]);
      return absl::InternalError(absl::StrCat("fixture exited early: ", argv[0]));
    }
    got.append(buf, static_cast<size_t>(r));
  }
  close(fds[0]);
  if (got != "ready\n") return absl::InternalError(absl::StrCat("fixture said: ", got));
  // "ready" is written just before the fixture enters pause(); wait until it is blocked in
  // that syscall (34 on x86-64), so frame 0 is always in pause and never still in write.
  for (int i = 0; i < 5000; ++i) {
    std::ifstream syscall_file(absl::StrCat("/proc/", pid, "/syscall"));
    std::string number;
    syscall_file >> number;
    if (number == "34") break;
    usleep(1000);
  }
  if (!delete_before_freeze.empty() && unlink(delete_before_freeze.c_str()) != 0) {
    return absl::InternalError("unlink");
  }
  absl::StatusOr<std::unique_ptr<FrozenProcess>> frozen = FrozenProcess::Freeze(pid);
  if (!frozen.ok()) return frozen.status();
  process->frozen_ = std::move(*frozen);
  return process;
}

const ThreadState& FixtureProcess::main_thread() const {
  for (const ThreadState& thread : frozen_->threads()) {
    if (thread.tid == pid_) return thread;
  }
  return frozen_->threads()[0];
}

FixtureProcess::~FixtureProcess() {
  frozen_.reset();  // detaches
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    int status;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

}  // namespace ddcrash
