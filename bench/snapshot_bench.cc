// Snapshot benchmark: wall time and peak RSS of `ddreport --pid` against the tools a user
// would pick instead (eu-stack -p, and gdb for one size), on the same frozen-able target, in
// the same run. Prints a markdown table of medians and ratios (for BENCHMARKS.md).
//   usage: snapshot_bench DDREPORT STACK_TARGET [RUNS]
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <utility>
#include <string>
#include <vector>

namespace {

struct Measurement {
  double wall_ms = 0;
  long peak_rss_kb = 0;
  int exit_status = 0;
};

double NowMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

// Runs argv with stdout/stderr discarded; wall time and the child's peak RSS (wait4).
Measurement Run(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  const double start = NowMs();
  const pid_t child = fork();
  if (child == 0) {
    const int null_fd = open("/dev/null", O_WRONLY);
    dup2(null_fd, 1);
    dup2(null_fd, 2);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  wait4(child, &status, 0, &usage);
  Measurement m;
  m.wall_ms = NowMs() - start;
  m.peak_rss_kb = usage.ru_maxrss;
  m.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return m;
}

struct Target {
  pid_t pid = 0;
  FILE* out = nullptr;
};

Target StartTarget(const std::string& binary, int threads, int depth) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) abort();
  const pid_t child = fork();
  if (child == 0) {
    dup2(pipe_fds[1], 1);
    close(pipe_fds[0]);
    execl(binary.c_str(), binary.c_str(), std::to_string(threads).c_str(),
          std::to_string(depth).c_str(), nullptr);
    _exit(127);
  }
  close(pipe_fds[1]);
  Target target{child, fdopen(pipe_fds[0], "r")};
  char line[64] = {};
  if (fgets(line, sizeof(line), target.out) == nullptr || strncmp(line, "READY", 5) != 0) {
    fprintf(stderr, "target did not start\n");
    exit(1);
  }
  return target;
}

void StopTarget(Target& target) {
  kill(target.pid, SIGKILL);
  waitpid(target.pid, nullptr, 0);
  fclose(target.out);
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

struct Row {
  std::string tool;
  double wall_ms;
  double rss_mb;
  int failures;
};

Row Measure(const std::string& tool, const std::vector<std::string>& args, int runs) {
  std::vector<double> walls, rss;
  int failures = 0;
  for (int i = 0; i < runs; ++i) {
    Measurement m = Run(args);
    // eu-stack exits 1 when some frame could not be unwound; that still measured a full walk.
    if (m.exit_status > 1) ++failures;
    walls.push_back(m.wall_ms);
    rss.push_back(static_cast<double>(m.peak_rss_kb) / 1024.0);
  }
  return {tool, Median(walls), Median(rss), failures};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: snapshot_bench DDREPORT STACK_TARGET [RUNS]\n");
    return 2;
  }
  const std::string ddreport = argv[1];
  const std::string stack_target = argv[2];
  const int runs = argc > 3 ? atoi(argv[3]) : 7;
  const bool have_gdb = system("command -v gdb > /dev/null 2>&1") == 0;
  struct Shape {
    int threads;
    int depth;
    bool with_gdb;
  };
  const Shape shapes[] = {{10, 8, true},       {100, 8, false}, {1000, 8, false},
                          {10000, 8, false},   {10, 400, false}};
  // ddreport's median per thread count at depth 8, for the cost per added thread below.
  std::vector<std::pair<int, double>> scaling;
  printf("| target | tool | median wall ms | median peak RSS MiB | ratio to ddreport (wall) | failed runs |\n");
  printf("|---|---|---:|---:|---:|---:|\n");
  for (const Shape& shape : shapes) {
    Target target = StartTarget(stack_target, shape.threads, shape.depth);
    const std::string pid = std::to_string(target.pid);
    const std::string label = std::to_string(shape.threads) + " threads x " +
                              std::to_string(shape.depth) + " frames";
    std::vector<Row> rows;
    rows.push_back(Measure("ddreport --pid", {ddreport, "--pid", pid, "-o", "/tmp/ddcrash-bench.pb"}, runs));
    rows.push_back(Measure("eu-stack -p", {"eu-stack", "-p", pid, "-n", "2048"}, runs));
    if (shape.with_gdb && have_gdb) {
      rows.push_back(Measure("gdb thread apply all bt",
                             {"gdb", "-batch", "-nx", "-p", pid, "-ex", "thread apply all bt"},
                             std::max(3, runs / 2)));
    }
    for (const Row& row : rows) {
      printf("| %s | %s | %.1f | %.1f | %.2f | %d |\n", label.c_str(), row.tool.c_str(),
             row.wall_ms, row.rss_mb, row.wall_ms / rows[0].wall_ms, row.failures);
    }
    fflush(stdout);
    if (shape.depth == 8) scaling.push_back({shape.threads, rows[0].wall_ms});
    StopTarget(target);
  }
  // Linear means a flat cost per added thread, from 10 to 10,000.
  printf("\n| threads | ddreport ms per added thread |\n|---|---:|\n");
  for (size_t i = 1; i < scaling.size(); ++i) {
    printf("| %d -> %d | %.3f |\n", scaling[i - 1].first, scaling[i].first,
           (scaling[i].second - scaling[i - 1].second) / (scaling[i].first - scaling[i - 1].first));
  }
  unlink("/tmp/ddcrash-bench.pb");
  return 0;
}
