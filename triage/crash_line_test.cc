#include "triage/crash_line.h"

#include <string>

#include "gtest/gtest.h"
#include "report/testing/sample_report.h"

namespace ddcrash {
namespace {

TEST(CrashLineTest, ExceptionAtFirstFrameAfterCrashMachinery) {
  const Report report = SampleCrashReport();
  EXPECT_EQ(CrashCause(report), "System.InvalidOperationException: ddcrash test: worker thread");
  ASSERT_NE(CrashingThread(report), nullptr);
  EXPECT_EQ(CrashingThread(report)->tid(), 4243u);
  // __pthread_kill_implementation, raise, abort and PROCAbort are crash handling.
  EXPECT_EQ(CrashLine(report),
            "System.InvalidOperationException: ddcrash test: worker thread at "
            "libcoreclr.so!IL_Throw+0x44");
}

TEST(CrashLineTest, SignalWithoutException) {
  Report report = SampleCrashReport();
  report.clear_exception();
  report.mutable_signal()->set_name("SIGSEGV");
  report.mutable_signal()->set_code_name("SEGV_MAPERR");
  EXPECT_EQ(CrashCause(report), "SIGSEGV (SEGV_MAPERR)");
  report.mutable_signal()->clear_code_name();
  EXPECT_EQ(CrashCause(report), "SIGSEGV");
  report.clear_signal();
  EXPECT_EQ(CrashCause(report), "snapshot");
}

TEST(CrashLineTest, MessageCutAtItsFirstLineAndBound) {
  Report report = SampleCrashReport();
  report.mutable_exception()->set_message("first\nsecond");
  EXPECT_EQ(CrashCause(report), "System.InvalidOperationException: first");
  report.mutable_exception()->set_message(std::string(1000, 'x'));
  EXPECT_EQ(CrashCause(report), "System.InvalidOperationException: " +
                                    std::string(kMaxCrashLineMessage, 'x') + "...");
}

TEST(CrashLineTest, ControlCharactersEscaped) {
  Report report = SampleCrashReport();
  report.mutable_exception()->set_type("Evil\x1b[2J");
  report.mutable_exception()->clear_message();
  const std::string line = CrashLine(report);
  EXPECT_EQ(line.find('\x1b'), std::string::npos) << line;
  EXPECT_EQ(line.rfind("Evil\\x1b[2J at ", 0), 0u) << line;
}

TEST(CrashLineTest, NoThreads) {
  Report report = SampleCrashReport();
  report.clear_threads();
  EXPECT_EQ(CrashingThread(report), nullptr);
  EXPECT_EQ(CrashLine(report), "System.InvalidOperationException: ddcrash test: worker thread");
}

}  // namespace
}  // namespace ddcrash
