// Runs a command and prints "<wall ms> <peak RSS KiB>" on stderr's last line, from wait4().
// A small launcher on purpose: Linux folds the RSS of the process that forked the command
// (copied at fork, recorded again at exec) into the command's ru_maxrss, so measuring from
// Python would report Python's own size. This launcher is ~1 MiB, below anything measured.
//   usage: rusage_run COMMAND [ARGS...]    (the command's stdout/stderr go to /dev/null)
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: rusage_run COMMAND [ARGS...]\n");
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
    execv(argv[1], argv + 1);
    _exit(127);
  }
  int status = 0;
  rusage ru{};
  if (wait4(pid, &status, 0, &ru) != pid) return 125;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
  std::fprintf(stderr, "%.3f %ld\n", ms, ru.ru_maxrss);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return 128 + WTERMSIG(status);
}
