#include "dac/testing/dotnet_app.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ddcrash::dac::testing {
namespace {

bool IsFile(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string SourceOutDir() {
  const char* env = getenv("DDCRASH_DOTNET_OUT");
  if (env != nullptr && env[0] != '\0') return env;
  const char* srcdir = getenv("TEST_SRCDIR");
  const char* workspace = getenv("TEST_WORKSPACE");
  if (srcdir == nullptr) return std::string();
  std::string runfile = absl::StrCat(srcdir, "/", workspace != nullptr ? workspace : "ddcrash",
                                     "/tests/dotnet/build.sh");
  char resolved[PATH_MAX];
  if (realpath(runfile.c_str(), resolved) == nullptr) return std::string();
  std::string script(resolved);
  return script.substr(0, script.find_last_of('/')) + "/out";
}

}  // namespace

absl::StatusOr<std::string> DotnetAppDir(const std::string& tfm) {
  std::string out = SourceOutDir();
  if (out.empty()) {
    return absl::NotFoundError(
        "cannot find tests/dotnet/out: set DDCRASH_DOTNET_OUT or depend on "
        "//tests/dotnet:build_script");
  }
  std::string dir = absl::StrCat(out, "/testapp/", tfm);
  for (const char* f : {"Ddcrash.TestApp", "libcoreclr.so", "libmscordaccore.so"}) {
    if (!IsFile(absl::StrCat(dir, "/", f))) {
      return absl::NotFoundError(absl::StrCat(dir, "/", f,
                                              " is missing: run tests/dotnet/build.sh first"));
    }
  }
  return dir;
}

absl::StatusOr<std::string> ShapesApp(const std::string& shape, const std::string& tfm) {
  std::string out = SourceOutDir();
  if (out.empty()) {
    return absl::NotFoundError(
        "cannot find tests/dotnet/out: set DDCRASH_DOTNET_OUT or depend on "
        "//tests/dotnet:build_script");
  }
  std::string app = absl::StrCat(out, "/shapes/", shape, "/", tfm, "/Ddcrash.Shapes");
  if (!IsFile(app)) {
    return absl::NotFoundError(absl::StrCat(app, " is missing: run tests/dotnet/build.sh first"));
  }
  return app;
}

absl::StatusOr<DotnetApp> DotnetApp::StartAndWaitReady(const std::string& dir,
                                                       const std::vector<std::string>& args,
                                                       absl::Duration timeout) {
  return StartExecutableAndWaitReady(dir + "/Ddcrash.TestApp", args, timeout);
}

absl::StatusOr<DotnetApp> DotnetApp::StartExecutableAndWaitReady(
    const std::string& exe, const std::vector<std::string>& args, absl::Duration timeout) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return absl::ErrnoToStatus(errno, "pipe2");
  std::vector<std::string> argv_storage = {exe};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = fork();
  if (pid < 0) return absl::ErrnoToStatus(errno, "fork");
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, STDIN_FILENO);
    // No crash dumps or cDAC switches from the caller's environment.
    unsetenv("DOTNET_DbgEnableMiniDump");
    unsetenv("DOTNET_ENABLE_CDAC");
    setenv("DOTNET_CLI_TELEMETRY_OPTOUT", "1", 1);
    execv(exe.c_str(), argv.data());
    _exit(127);
  }
  close(fds[1]);
  DotnetApp app;
  app.pid_ = pid;
  app.stdout_fd_ = fds[0];
  absl::Time deadline = absl::Now() + timeout;
  while (true) {
    size_t ready = app.output_.find("READY ");
    if (ready != std::string::npos && app.output_.find('\n', ready) != std::string::npos) {
      return app;
    }
    absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      return absl::DeadlineExceededError(
          absl::StrCat("the test app did not print READY in time; output: ", app.output_));
    }
    pollfd p{app.stdout_fd_, POLLIN, 0};
    int r = poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    char buf[4096];
    ssize_t n = read(app.stdout_fd_, buf, sizeof(buf));
    if (n <= 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("the test app exited before READY; output: ", app.output_));
    }
    app.output_.append(buf, static_cast<size_t>(n));
  }
}

DotnetApp::DotnetApp(DotnetApp&& o) noexcept
    : pid_(std::exchange(o.pid_, -1)),
      stdout_fd_(std::exchange(o.stdout_fd_, -1)),
      output_(std::move(o.output_)) {}

DotnetApp::~DotnetApp() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    int status;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  if (stdout_fd_ >= 0) close(stdout_fd_);
}

}  // namespace ddcrash::dac::testing
