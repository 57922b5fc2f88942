#include "ptrace/internal/test_child.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"

namespace ddcrash::ptrace_internal {

absl::Status Channel::Send(absl::string_view message) {
  std::string line = absl::StrCat(message, "\n");
  size_t done = 0;
  while (done < line.size()) {
    ssize_t n = write(write_fd_, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return absl::UnavailableError(absl::StrCat("write: ", strerror(errno)));
    done += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> Channel::Receive(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    size_t newline = buffered_.find('\n');
    if (newline != std::string::npos) {
      std::string line = buffered_.substr(0, newline);
      buffered_.erase(0, newline + 1);
      return line;
    }
    int wait_ms = -1;
    if (timeout != absl::InfiniteDuration()) {
      absl::Duration left = deadline - absl::Now();
      if (left <= absl::ZeroDuration()) return absl::DeadlineExceededError("no message");
      wait_ms = static_cast<int>(absl::ToInt64Milliseconds(left)) + 1;
    }
    pollfd fd{read_fd_, POLLIN, 0};
    int r = poll(&fd, 1, wait_ms);
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) return absl::DeadlineExceededError("no message");
    char buffer[4096];
    ssize_t n = read(read_fd_, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return absl::UnavailableError("channel closed");
    buffered_.append(buffer, static_cast<size_t>(n));
  }
}

absl::StatusOr<std::unique_ptr<TestChild>> TestChild::Start(std::function<void(Channel&)> body) {
  int to_child[2];
  int to_parent[2];
  if (pipe2(to_child, O_CLOEXEC) != 0) return absl::InternalError("pipe2");
  if (pipe2(to_parent, O_CLOEXEC) != 0) return absl::InternalError("pipe2");
  pid_t pid = fork();
  if (pid < 0) return absl::InternalError(absl::StrCat("fork: ", strerror(errno)));
  if (pid == 0) {
    close(to_child[1]);
    close(to_parent[0]);
    // Die with the test rather than linger if the test process is killed.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    Channel channel(to_child[0], to_parent[1]);
    body(channel);
    _exit(0);
  }
  close(to_child[0]);
  close(to_parent[1]);
  return std::unique_ptr<TestChild>(new TestChild(pid, to_parent[0], to_child[1]));
}

absl::StatusOr<int> TestChild::KillAndReap() {
  if (reaped_) return absl::FailedPreconditionError("already reaped");
  reaped_ = true;
  kill(pid_, SIGKILL);
  int status = 0;
  while (true) {
    // __WALL: a child the test also traces may report ptrace stops before its death.
    pid_t r = waitpid(pid_, &status, __WALL);
    if (r == pid_ && (WIFEXITED(status) || WIFSIGNALED(status))) return status;
    if (r == pid_) continue;
    if (r < 0 && errno == EINTR) continue;
    return absl::InternalError(absl::StrCat("waitpid: ", strerror(errno)));
  }
}

TestChild::~TestChild() {
  if (!reaped_) KillAndReap().IgnoreError();
  close(channel_.read_fd());
  close(channel_.write_fd());
}

}  // namespace ddcrash::ptrace_internal
