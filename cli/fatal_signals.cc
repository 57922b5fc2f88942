#include "cli/fatal_signals.h"

#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdlib>

#include "cli/exit_codes.h"
#include "report/report_builder.h"

namespace ddcrash {
namespace {

// Everything the handler reads is prepared beforehand: it may only use async-signal-safe calls.
char g_prefix[32];
char g_report_path[4096];
volatile sig_atomic_t g_report_is_final = 0;
pid_t g_installing_pid = 0;
alignas(16) char g_alternate_stack[64 * 1024];

struct HandledSignal {
  int number;
  const char* name;
};
constexpr HandledSignal kHandled[] = {
    {SIGSEGV, "SIGSEGV"}, {SIGBUS, "SIGBUS"},   {SIGILL, "SIGILL"},
    {SIGFPE, "SIGFPE"},   {SIGABRT, "SIGABRT"}, {SIGALRM, "SIGALRM"},
};

// Appends `text` to `line` (bounded), the only formatting the handler needs.
void Append(char* line, size_t capacity, size_t* used, const char* text) {
  for (; *text != '\0' && *used + 1 < capacity; ++text) line[(*used)++] = *text;
  line[*used] = '\0';
}

void OnFatalSignal(int number) {
  if (getpid() != g_installing_pid) {
    // A forked helper (the DAC child): its parent sees the signal and reports it.
    signal(number, SIG_DFL);
    raise(number);
    return;
  }
  const char* name = "signal";
  for (const HandledSignal& handled : kHandled) {
    if (handled.number == number) name = handled.name;
  }
  const char* stage = StageTimer::Current();
  char line[sizeof(g_report_path) + 256];
  size_t used = 0;
  Append(line, sizeof(line), &used, g_prefix);
  Append(line, sizeof(line), &used,
         number == SIGALRM ? ": reporter stopped by its watchdog (DDCRASH_TIMEOUT_MS spent)"
                           : ": reporter died of ");
  if (number != SIGALRM) Append(line, sizeof(line), &used, name);
  Append(line, sizeof(line), &used, " in stage ");
  Append(line, sizeof(line), &used, stage != nullptr ? stage : "setup");
  if (g_report_path[0] != '\0') {
    Append(line, sizeof(line), &used,
           g_report_is_final ? "; report: " : "; report (its last checkpoint, incomplete): ");
    Append(line, sizeof(line), &used, g_report_path);
  } else {
    Append(line, sizeof(line), &used, "; no report was written");
  }
  Append(line, sizeof(line), &used, "\n");
  ssize_t ignored = write(STDERR_FILENO, line, used);
  (void)ignored;
  if (number == SIGALRM) _exit(kDdreportWatchdog);
  // SA_RESETHAND restored the default action; the signal is blocked until this returns, and
  // then ends the process as it would have without us.
  raise(number);
}

}  // namespace

void InstallFatalSignalHandlers(const char* prefix) {
  strncpy(g_prefix, prefix, sizeof(g_prefix) - 1);
  g_installing_pid = getpid();
  stack_t alternate = {};
  alternate.ss_sp = g_alternate_stack;
  alternate.ss_size = sizeof(g_alternate_stack);
  sigaltstack(&alternate, nullptr);
  struct sigaction action = {};
  action.sa_handler = OnFatalSignal;
  action.sa_flags = SA_ONSTACK | SA_RESETHAND;
  sigemptyset(&action.sa_mask);
  for (const HandledSignal& handled : kHandled) sigaction(handled.number, &action, nullptr);
  // The hook execs us with SIGALRM possibly blocked by the app's signal mask; the watchdog
  // must fire.
  sigset_t unblock;
  sigemptyset(&unblock);
  for (const HandledSignal& handled : kHandled) sigaddset(&unblock, handled.number);
  sigprocmask(SIG_UNBLOCK, &unblock, nullptr);
}

void ArmWatchdog(absl::Duration budget) {
  struct itimerval timer = {};
  const int64_t micros = absl::ToInt64Microseconds(budget);
  timer.it_value.tv_sec = micros / 1000000;
  timer.it_value.tv_usec = micros % 1000000;
  setitimer(ITIMER_REAL, &timer, nullptr);
}

void SetReportPathForFatalSignals(const std::string& path, bool final) {
  // A run writes one path: it is copied once, before any handler can print it.
  if (g_report_path[0] == '\0') {
    const size_t n = path.size() < sizeof(g_report_path) - 1 ? path.size() : sizeof(g_report_path) - 1;
    memcpy(g_report_path, path.data(), n);
    g_report_path[n] = '\0';
  }
  g_report_is_final = final ? 1 : 0;
}

}  // namespace ddcrash
