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
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "dac/dac_confinement.h"
#include "dac/dac_result.h"
#include "dac/source_lines.h"
#include "ptrace/module_map.h"

namespace ddcrash::dac {
namespace {

constexpr size_t kMaxMessage = 256u << 20;

bool WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

[[noreturn]] void RunChild(int fd, pid_t parent, ProcessSnapshot& snapshot,
                           const IsolatedDacOptions& options) {
  const absl::Status confined = ConfineDacProcess(snapshot.pid(), snapshot.memory());
  // After confinement: a change of credentials clears the parent-death signal.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(4);
  if (options.child_hook_for_testing) options.child_hook_for_testing();
  absl::StatusOr<std::unique_ptr<DacSession>> session =
      confined.ok() ? DacSession::Open(snapshot, options.session) : confined;
  absl::StatusOr<ManagedState> state =
      session.ok() ? absl::StatusOr<ManagedState>((*session)->Collect()) : session.status();
  if (state.ok()) {
    // Here rather than in ddreport: the assemblies and PDBs are the target user's files, read
    // with the target user's credentials.
    const absl::Time start = absl::Now();
    std::vector<std::string> assemblies;
    for (const LoadedModule& m : snapshot.modules().modules()) {
      if (m.kind == ModuleKind::kPe && !m.deleted && !m.path.empty()) assemblies.push_back(m.path);
    }
    AddSourceLines(&*state, assemblies);
    state->source_lines_us =
        static_cast<uint64_t>(absl::ToInt64Microseconds(absl::Now() - start));
  }
  bool ok = WriteAll(fd, SerializeDacResult(state));
  // Skip destructors and atexit handlers (the DAC's among them): this process is done.
  _exit(ok ? 0 : 3);
}

std::string SignalName(int sig) {
  const char* name = sigabbrev_np(sig);
  return name != nullptr ? absl::StrCat("SIG", name) : absl::StrCat("signal ", sig);
}

}  // namespace

absl::StatusOr<ManagedState> CollectManagedStateIsolated(ProcessSnapshot& snapshot,
                                                         const IsolatedDacOptions& options) {
  const absl::Time deadline = absl::Now() + options.timeout;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return absl::ErrnoToStatus(errno, "pipe2 for the DAC child");
  const pid_t parent = getpid();
  pid_t child = fork();
  if (child < 0) {
    int e = errno;
    close(fds[0]);
    close(fds[1]);
    return absl::ErrnoToStatus(e, "fork of the DAC child");
  }
  if (child == 0) {
    close(fds[0]);
    RunChild(fds[1], parent, snapshot, options);
  }
  close(fds[1]);

  std::string message;
  bool timed_out = false;
  bool too_big = false;
  while (true) {
    absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    int r = poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) continue;  // re-check the deadline
    char buf[65536];
    ssize_t n = read(fds[0], buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF: the child finished or died
    message.append(buf, static_cast<size_t>(n));
    if (message.size() > kMaxMessage) {
      too_big = true;
      break;
    }
  }
  close(fds[0]);

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
        absl::StrCat("the DAC stage did not finish within ",
                     absl::FormatDuration(options.timeout), " (", kDacTimeoutEnv,
                     "); its process was killed"));
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
  return ParseDacResult(message);
}

}  // namespace ddcrash::dac
