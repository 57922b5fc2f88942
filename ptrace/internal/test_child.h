// A forked child process for tests that need a real target, talking to the test over pipes
// in newline-terminated messages.
#ifndef DDCRASH_PTRACE_INTERNAL_TEST_CHILD_H_
#define DDCRASH_PTRACE_INTERNAL_TEST_CHILD_H_

#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ddcrash::ptrace_internal {

// One end of the pipes: blocking line-oriented messages.
class Channel {
 public:
  Channel(int read_fd, int write_fd) : read_fd_(read_fd), write_fd_(write_fd) {}
  // Sends `message` plus a newline.
  absl::Status Send(absl::string_view message);
  // The next line, without its newline; DeadlineExceeded after `timeout`, Unavailable at EOF.
  absl::StatusOr<std::string> Receive(absl::Duration timeout = absl::InfiniteDuration());
  int read_fd() const { return read_fd_; }
  int write_fd() const { return write_fd_; }

 private:
  int read_fd_;
  int write_fd_;
  std::string buffered_;
};

class TestChild {
 public:
  // Forks a child that runs `body` with its end of the pipes, then _exits with status 0.
  // The test process is single-threaded under gtest, so the child may allocate and create
  // threads.
  static absl::StatusOr<std::unique_ptr<TestChild>> Start(std::function<void(Channel&)> body);

  // Kills (SIGKILL) and reaps the child if it is still there.
  ~TestChild();
  TestChild(const TestChild&) = delete;
  TestChild& operator=(const TestChild&) = delete;

  pid_t pid() const { return pid_; }
  Channel& channel() { return channel_; }

  // Kills the child and reaps it; returns the wait status (or an error when someone else
  // reaped it already).
  absl::StatusOr<int> KillAndReap();

 private:
  TestChild(pid_t pid, int read_fd, int write_fd) : pid_(pid), channel_(read_fd, write_fd) {}

  pid_t pid_;
  Channel channel_;
  bool reaped_ = false;
};

}  // namespace ddcrash::ptrace_internal

#endif  // DDCRASH_PTRACE_INTERNAL_TEST_CHILD_H_
