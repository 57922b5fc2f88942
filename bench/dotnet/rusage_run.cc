// Runs a command and prints "<wall ms> <peak RSS KiB>" on stderr's last line, from wait4().
// A small launcher on purpose: Linux folds the RSS of the process that forked the command
// (copied at fork, recorded again at exec) into the command's ru_maxrss, so measuring from
// Python would report Python's own size. This launcher is ~1 MiB, below anything measured.
// ru_maxrss is the larger of the command and the children it reaped, not their sum: with
// --sample-rss the launcher also samples VmRSS of the command and of its children every
// 0.2 ms and appends the largest sum seen (KiB). Sampling takes CPU of its own: such a run's
// wall time is not one to compare.
//   usage: rusage_run [--sample-rss] COMMAND [ARGS...]
//   (the command's stdout/stderr go to /dev/null)
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

// The VmRSS line of /proc/PID/status in KiB; 0 when the process is gone.
long RssKib(long pid) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%ld/status", pid);
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char buffer[4096];
  const ssize_t n = read(fd, buffer, sizeof buffer - 1);
  close(fd);
  if (n <= 0) return 0;
  buffer[n] = '\0';
  const char* line = std::strstr(buffer, "VmRSS:");
  return line != nullptr ? std::atol(line + 6) : 0;
}

// VmRSS of `pid` and of the children of its main thread, summed (KiB).
long TreeRssKib(pid_t pid) {
  long sum = RssKib(pid);
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/task/%d/children", pid, pid);
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return sum;
  char buffer[4096];
  const ssize_t n = read(fd, buffer, sizeof buffer - 1);
  close(fd);
  if (n <= 0) return sum;
  buffer[n] = '\0';
  for (char* p = buffer; *p != '\0';) {
    char* end = nullptr;
    const long child = std::strtol(p, &end, 10);
    if (end == p) break;
    sum += RssKib(child);
    p = end;
  }
  return sum;
}

}  // namespace

int main(int argc, char** argv) {
  const bool sample = argc > 1 && std::strcmp(argv[1], "--sample-rss") == 0;
  char** command = argv + (sample ? 2 : 1);
  if (command[0] == nullptr) {
    std::fprintf(stderr, "usage: rusage_run [--sample-rss] COMMAND [ARGS...]\n");
    return 2;
  }
  timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  pid_t pid = fork();
  if (pid < 0) return 125;
  if (pid == 0) {
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) {
      dup2(null, 1);
      dup2(null, 2);
    }
    execv(command[0], command);
    _exit(127);
  }
  int status = 0;
  rusage ru{};
  long largest_sum = 0;
  if (sample) {
    const timespec period{0, 200 * 1000};
    while (true) {
      const pid_t done = wait4(pid, &status, WNOHANG, &ru);
      if (done == pid) break;
      if (done < 0) return 125;
      const long sum = TreeRssKib(pid);
      if (sum > largest_sum) largest_sum = sum;
      nanosleep(&period, nullptr);
    }
  } else if (wait4(pid, &status, 0, &ru) != pid) {
    return 125;
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
  if (sample) {
    std::fprintf(stderr, "%.3f %ld %ld\n", ms, ru.ru_maxrss, largest_sum);
  } else {
    std::fprintf(stderr, "%.3f %ld\n", ms, ru.ru_maxrss);
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}
