#include "report/fingerprint.h"

#include "gtest/gtest.h"
#include "report/testing/sample_report.h"

namespace ddcrash {
namespace {

TEST(FingerprintTest, IgnoresAddressesPidsAndTimes) {
  Report a = SampleCrashReport();
  Report b = SampleCrashReport();
  b.mutable_process()->set_pid(999);
  b.mutable_diagnostics()->set_start_time_unix_nanos(1);
  for (Frame& frame : *b.mutable_threads(1)->mutable_frames()) {
    frame.set_ip(frame.ip() + 0x10000);
    frame.set_sp(frame.sp() + 0x10000);
  }
  EXPECT_EQ(CrashFingerprint(a), CrashFingerprint(b));
  EXPECT_EQ(CrashFingerprint(a).size(), 16u);
}

TEST(FingerprintTest, IgnoresCrashMachineryFrames) {
  Report a = SampleCrashReport();
  Report b = SampleCrashReport();
  // A different abort path (one machinery frame fewer) is the same crash.
  b.mutable_threads(1)->mutable_frames()->erase(b.mutable_threads(1)->mutable_frames()->begin() + 1);
  EXPECT_EQ(CrashFingerprint(a), CrashFingerprint(b));
}

TEST(FingerprintTest, ChangesWithTheFailingFunctionOrCause) {
  Report a = SampleCrashReport();
  Report other_function = SampleCrashReport();
  other_function.mutable_threads(1)->mutable_frames(5)->set_function("Other.Method()");
  Report other_cause = SampleCrashReport();
  other_cause.mutable_exception()->set_type("System.NullReferenceException");
  EXPECT_NE(CrashFingerprint(a), CrashFingerprint(other_function));
  EXPECT_NE(CrashFingerprint(a), CrashFingerprint(other_cause));
}

}  // namespace
}  // namespace ddcrash
