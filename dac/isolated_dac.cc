#include "dac/isolated_dac.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "dac/dac_confinement.h"
#include "dac/dac_result.h"
#include "dac/source_lines.h"
#include "ptrace/module_map.h"
#include "ptrace/target_files.h"

namespace ddcrash::dac {
namespace {

constexpr size_t kMaxMessage = 256u << 20;

// The request the parent sends once the native walk is done: its deadline for the result
// (Unix nanoseconds), a count, then that many addresses (native byte order: both ends are this
// same binary).
constexpr uint64_t kMaxRequestedAddresses = 1u << 20;
// Source lines stop this long before the parent's deadline: the managed frames they annotate
// must still be serialized and written in time, or the whole stage is lost.
constexpr absl::Duration kResultMargin = absl::Milliseconds(150);

bool ReadAll(int fd, void* data, size_t size) {
  size_t done = 0;
  while (done < size) {
    ssize_t n = read(fd, static_cast<char*>(data) + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

bool ReadRequest(int fd, absl::Time* deadline, std::vector<uint64_t>* addresses) {
  int64_t deadline_nanos = 0;
  if (!ReadAll(fd, &deadline_nanos, sizeof(deadline_nanos))) return false;
  *deadline = absl::FromUnixNanos(deadline_nanos);
  uint64_t count = 0;
  if (!ReadAll(fd, &count, sizeof(count)) || count > kMaxRequestedAddresses) return false;
  addresses->resize(static_cast<size_t>(count));
  return ReadAll(fd, addresses->data(), addresses->size() * sizeof(uint64_t));
}

[[noreturn]] void RunChild(int result_fd, int request_fd, pid_t parent, ProcessSnapshot& snapshot,
                           const IsolatedDacOptions& options) {
  const absl::Status confined = ConfineDacProcess(snapshot.pid(), snapshot.memory());
  // After confinement: a change of credentials clears the parent-death signal.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(4);
  if (options.child_hook_for_testing) options.child_hook_for_testing();
  // Load the DAC, open its session and walk the managed stacks while the parent still walks
  // the native ones; only naming the code that walk could not name waits for its request.
  absl::StatusOr<std::unique_ptr<DacSession>> session =
      confined.ok() ? DacSession::Open(snapshot, options.session) : confined;
  absl::StatusOr<ManagedState> state =
      session.ok() ? absl::StatusOr<ManagedState>((*session)->CollectThreads()) : session.status();
  absl::Time deadline;
  std::vector<uint64_t> addresses;
  if (!ReadRequest(request_fd, &deadline, &addresses)) _exit(5);  // the parent gave up
  if (state.ok()) {
    (*session)->set_code_addresses_to_name(std::move(addresses));
    (*session)->NameCode(&*state);
    // Here rather than in ddreport: the assemblies and PDBs are the target user's files, read
    // with the target user's credentials.
    const absl::Time start = absl::Now();
    std::vector<std::string> assemblies;
    for (const LoadedModule& m : snapshot.modules().modules()) {
      if (m.kind == ModuleKind::kPe && !m.deleted && !m.path.empty()) assemblies.push_back(m.path);
    }
    // The target's files, read through its view of the file system; a single-file app's
    // bundled ones from its executable.
    const TargetFiles target = TargetFiles::Of(snapshot.pid());
    pdb::AssemblyFiles files;
    files.openable = [target](const std::string& path) { return target.Openable(path); };
    for (const NamedBundledFile& f : snapshot.modules().bundled_files()) {
      absl::StatusOr<std::string> container = target.Openable(f.location.path);
      if (container.ok()) {
        files.bundled[f.path] = binary::FileRange{*container, f.location.offset, f.location.size};
      }
    }
    AddSourceLines(&*state, assemblies, deadline - kResultMargin, std::move(files));
    state->source_lines_us =
        static_cast<uint64_t>(absl::ToInt64Microseconds(absl::Now() - start));
  }
  bool ok = WriteDacResult(result_fd, std::move(state));
  // Skip destructors and atexit handlers (the DAC's among them): this process is done.
  _exit(ok ? 0 : 3);
}

std::string SignalName(int sig) {
  const char* name = sigabbrev_np(sig);
  return name != nullptr ? absl::StrCat("SIG", name) : absl::StrCat("signal ", sig);
}

}  // namespace

absl::StatusOr<std::unique_ptr<IsolatedDac>> IsolatedDac::Start(ProcessSnapshot& snapshot,
                                                                const IsolatedDacOptions& options) {
  int result[2];
  if (pipe2(result, O_CLOEXEC) != 0) return absl::ErrnoToStatus(errno, "pipe2 for the DAC child");
  int request[2];
  if (pipe2(request, O_CLOEXEC) != 0) {
    int e = errno;
    close(result[0]);
    close(result[1]);
    return absl::ErrnoToStatus(e, "pipe2 for the DAC child");
  }
  const pid_t parent = getpid();
  const absl::Time started = absl::Now();
  pid_t child = fork();
  if (child < 0) {
    int e = errno;
    for (int fd : {result[0], result[1], request[0], request[1]}) close(fd);
    return absl::ErrnoToStatus(e, "fork of the DAC child");
  }
  if (child == 0) {
    close(result[0]);
    close(request[1]);
    RunChild(result[1], request[0], parent, snapshot, options);
  }
  close(result[1]);
  close(request[0]);
  // Finish's writes must not block past its deadline (a child stuck before reading them).
  fcntl(request[1], F_SETFL, fcntl(request[1], F_GETFL) | O_NONBLOCK);
  return std::unique_ptr<IsolatedDac>(new IsolatedDac(child, result[0], request[1], started));
}

IsolatedDac::~IsolatedDac() {
  if (request_fd_ >= 0) close(request_fd_);
  if (result_fd_ >= 0) close(result_fd_);
  if (child_ > 0) {
    kill(child_, SIGKILL);
    int status = 0;
    while (waitpid(child_, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

absl::StatusOr<ManagedState> IsolatedDac::Finish(const std::vector<uint64_t>& code_addresses_to_name,
                                                 absl::Duration timeout) {
  const absl::Time deadline = started_ + timeout;
  std::string request;
  const int64_t deadline_nanos = absl::ToUnixNanos(deadline);
  request.append(reinterpret_cast<const char*>(&deadline_nanos), sizeof(deadline_nanos));
  const uint64_t count = code_addresses_to_name.size();
  request.append(reinterpret_cast<const char*>(&count), sizeof(count));
  request.append(reinterpret_cast<const char*>(code_addresses_to_name.data()),
                 code_addresses_to_name.size() * sizeof(uint64_t));
  bool timed_out = false;
  // A child that died or gave up has closed its end: the write fails with EPIPE, and its
  // status below says why. SIGPIPE is ignored meanwhile (it would end ddreport).
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  struct sigaction previous {};
  const bool restore = sigaction(SIGPIPE, &ignore, &previous) == 0;
  for (size_t sent = 0; sent < request.size();) {
    ssize_t n = write(request_fd_, request.data() + sent, request.size() - sent);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN) break;
    absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      timed_out = true;
      break;
    }
    pollfd p{request_fd_, POLLOUT, 0};
    poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
  }
  if (restore) sigaction(SIGPIPE, &previous, nullptr);
  close(request_fd_);
  request_fd_ = -1;

  // The child sends the result's size first (WriteDacResult): the buffer is sized once.
  std::string message;
  uint64_t expected = 0;
  bool too_big = false;
  while (!timed_out) {
    absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      timed_out = true;
      break;
    }
    pollfd p{result_fd_, POLLIN, 0};
    int r = poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) continue;  // re-check the deadline
    char buf[65536];
    ssize_t n = read(result_fd_, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF: the child finished or died
    message.append(buf, static_cast<size_t>(n));
    if (expected == 0 && message.size() >= sizeof(expected)) {
      std::memcpy(&expected, message.data(), sizeof(expected));
      if (expected > kMaxMessage) {
        too_big = true;
        break;
      }
      message.reserve(sizeof(expected) + static_cast<size_t>(expected));
    }
    if (message.size() > sizeof(expected) + kMaxMessage) {
      too_big = true;
      break;
    }
  }
  close(result_fd_);
  result_fd_ = -1;

  const pid_t child = child_;
  child_ = -1;
  int status = 0;
  pid_t waited = 0;
  if (!timed_out && !too_big) {
    // EOF came; the child exits right after writing. Give it until the deadline to be reaped.
    while ((waited = waitpid(child, &status, WNOHANG)) == 0 && absl::Now() < deadline) {
      usleep(1000);
    }
    if (waited == 0) timed_out = true;
  }
  if (timed_out || too_big) {
    kill(child, SIGKILL);
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    if (too_big) return absl::ResourceExhaustedError("the DAC child sent an oversized result");
    return absl::DeadlineExceededError(
        absl::StrCat("the DAC stage did not finish within ", absl::FormatDuration(timeout), " (",
                     kDacTimeoutEnv, "); its process was killed"));
  }
  if (WIFSIGNALED(status)) {
    return absl::InternalError(absl::StrCat("the DAC process died with ",
                                            SignalName(WTERMSIG(status)),
                                            " while reading the target"));
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError(absl::StrCat("the DAC process exited with status ",
                                            WIFEXITED(status) ? WEXITSTATUS(status) : -1));
  }
  if (message.empty()) return absl::InternalError("the DAC process sent no result");
  if (message.size() < sizeof(expected) || message.size() - sizeof(expected) != expected) {
    return absl::DataLossError(absl::StrCat("the DAC process sent ", message.size(),
                                            " bytes, not the size it announced and ", expected,
                                            " bytes of result"));
  }
  message.erase(0, sizeof(expected));
  return ParseDacResult(std::move(message));
}

absl::StatusOr<ManagedState> CollectManagedStateIsolated(ProcessSnapshot& snapshot,
                                                         const IsolatedDacOptions& options) {
  absl::StatusOr<std::unique_ptr<IsolatedDac>> dac = IsolatedDac::Start(snapshot, options);
  if (!dac.ok()) return dac.status();
  return (*dac)->Finish(options.session.code_addresses_to_name, options.timeout);
}

}  // namespace ddcrash::dac
