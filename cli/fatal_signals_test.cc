#include "cli/fatal_signals.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <string>

#include "cli/exit_codes.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "report/report_builder.h"

namespace ddcrash {
namespace {

using ::testing::HasSubstr;

struct Outcome {
  int status = 0;
  std::string stderr_text;
};

// Runs `body` in a forked child whose stderr is captured.
Outcome RunInChild(const std::function<void()>& body) {
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  const pid_t child = fork();
  if (child == 0) {
    dup2(fds[1], STDERR_FILENO);
    close(fds[0]);
    body();
    _exit(0);
  }
  close(fds[1]);
  Outcome outcome;
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof(buf))) > 0) outcome.stderr_text.append(buf, n);
  close(fds[0]);
  waitpid(child, &outcome.status, 0);
  return outcome;
}

ReportBuilder MakeBuilder() { return ReportBuilder(*Scrubber::Create(""), "test", absl::Now()); }

// A real fault would be undefined behaviour (and UBSan stops it first under --config=asan);
// the handler cannot tell a raised SIGSEGV from one the hardware sent.
void Crash() { raise(SIGSEGV); }

TEST(FatalSignalsTest, AFaultSaysTheStageAndTheCheckpointThenDiesOfItsSignal) {
  Outcome outcome = RunInChild([] {
    InstallFatalSignalHandlers("ddtest");
    SetReportPathForFatalSignals("/reports/r.pb", /*final=*/false);
    ReportBuilder builder = MakeBuilder();
    StageTimer stage(&builder, "unwind");
    Crash();
  });
  ASSERT_TRUE(WIFSIGNALED(outcome.status)) << outcome.status;
  EXPECT_EQ(WTERMSIG(outcome.status), SIGSEGV);
  EXPECT_EQ(outcome.stderr_text,
            "ddtest: reporter died of SIGSEGV in stage unwind; report (its last checkpoint, "
            "incomplete): /reports/r.pb\n");
}

TEST(FatalSignalsTest, AbortBeforeAnyReportSaysSo) {
  Outcome outcome = RunInChild([] {
    InstallFatalSignalHandlers("ddtest");
    abort();
  });
  ASSERT_TRUE(WIFSIGNALED(outcome.status));
  EXPECT_EQ(WTERMSIG(outcome.status), SIGABRT);
  EXPECT_EQ(outcome.stderr_text,
            "ddtest: reporter died of SIGABRT in stage setup; no report was written\n");
}

TEST(FatalSignalsTest, WatchdogExitsWithItsCodeAndNamesTheFinalReport) {
  Outcome outcome = RunInChild([] {
    InstallFatalSignalHandlers("ddtest");
    SetReportPathForFatalSignals("/reports/r.pb", /*final=*/true);
    ReportBuilder builder = MakeBuilder();
    StageTimer stage(&builder, "dac");
    ArmWatchdog(absl::Milliseconds(50));
    for (;;) pause();
  });
  ASSERT_TRUE(WIFEXITED(outcome.status)) << outcome.status;
  EXPECT_EQ(WEXITSTATUS(outcome.status), kDdreportWatchdog);
  EXPECT_THAT(outcome.stderr_text, HasSubstr("ddtest: reporter stopped by its watchdog"));
  EXPECT_THAT(outcome.stderr_text, HasSubstr("in stage dac; report: /reports/r.pb\n"));
}

TEST(FatalSignalsTest, InstallingUnblocksABlockedWatchdogSignal) {
  // The hook execs ddreport with whatever signal mask the crashing thread had.
  Outcome outcome = RunInChild([] {
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGALRM);
    sigprocmask(SIG_BLOCK, &block, nullptr);
    InstallFatalSignalHandlers("ddtest");
    ArmWatchdog(absl::Milliseconds(50));
    for (;;) pause();
  });
  ASSERT_TRUE(WIFEXITED(outcome.status)) << outcome.status;
  EXPECT_EQ(WEXITSTATUS(outcome.status), kDdreportWatchdog);
}

TEST(FatalSignalsTest, AForkedHelperDiesSilently) {
  Outcome outcome = RunInChild([] {
    InstallFatalSignalHandlers("ddtest");
    const pid_t helper = fork();
    if (helper == 0) Crash();
    int status = 0;
    waitpid(helper, &status, 0);
    _exit(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV ? 42 : 1);
  });
  ASSERT_TRUE(WIFEXITED(outcome.status));
  EXPECT_EQ(WEXITSTATUS(outcome.status), 42);
  EXPECT_EQ(outcome.stderr_text, "");
}

}  // namespace
}  // namespace ddcrash
