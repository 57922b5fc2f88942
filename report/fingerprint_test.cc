#include "report/fingerprint.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "report/testing/sample_report.h"

namespace ddcrash {
namespace {

// The golden values below are FNV-1a 64 of the cause and each used frame followed by "\n",
// computed independently of this code; they change only when the fingerprint's definition
// does, which regroups every stored crash.
Report CrashWith(const std::string& exception_type, const std::string& signal_name,
                 const std::vector<Frame>& frames) {
  Report report;
  report.mutable_exception()->set_type(exception_type);
  report.mutable_signal()->set_name(signal_name);
  report.add_threads()->set_tid(1);
  Thread* crashed = report.add_threads();
  crashed->set_crashed(true);
  for (const Frame& frame : frames) *crashed->add_frames() = frame;
  return report;
}

Frame Named(const std::string& function) {
  Frame frame;
  frame.set_function(function);
  frame.set_kind(FRAME_KIND_NATIVE);
  return frame;
}

TEST(FingerprintTest, GoldenValueForAManagedException) {
  Frame trampoline = Named("");
  trampoline.set_kind(FRAME_KIND_SIGNAL_TRAMPOLINE);
  const Report report =
      CrashWith("System.InvalidOperationException", "SIGABRT",
                {Named("raise"), Named("abort"), trampoline, Named("Ddcrash.App.Fail()"),
                 Named("Ddcrash.App.Main(System.String[])")});
  EXPECT_EQ(CrashFingerprint(report), "5fa86ed78db1b738");
}

TEST(FingerprintTest, GoldenValueForASignalWithAnUnnamedFrame) {
  Frame unnamed;
  unnamed.set_kind(FRAME_KIND_NATIVE);  // a stripped library: no symbol
  unnamed.set_module_index(0);
  unnamed.set_module_offset(0x1234);
  Report report = CrashWith("", "SIGSEGV", {unnamed, Named("bar")});
  report.add_modules()->set_path("/usr/lib/libfoo.so");
  EXPECT_EQ(CrashFingerprint(report), "885dcf2869ac4a7e");
}

TEST(FingerprintTest, GoldenValueWithoutFramesIsTheCauseAlone) {
  EXPECT_EQ(CrashFingerprint(CrashWith("", "SIGSEGV", {})), "32bea7f9e86174db");
}

TEST(FingerprintTest, GoldenValueUsesTheTopFiveFramesOnly) {
  std::vector<Frame> frames;
  for (const char* name : {"f1", "f2", "f3", "f4", "f5", "f6"}) frames.push_back(Named(name));
  EXPECT_EQ(CrashFingerprint(CrashWith("", "SIGABRT", frames)), "6e6374cdb383c3e8");
}

// The thread the text rendering and the crash line show (report/crashing_thread.h): the
// crashing tid's, else the first marked crashed, never a later one.
TEST(FingerprintTest, UsesTheSameCrashingThreadAsTheRestOfTheReport) {
  Report report = CrashWith("", "SIGSEGV", {Named("first_crash")});
  Thread* later = report.add_threads();
  later->set_tid(3);
  later->set_crashed(true);
  *later->add_frames() = Named("second_crash");
  const std::string first = CrashFingerprint(CrashWith("", "SIGSEGV", {Named("first_crash")}));
  EXPECT_EQ(CrashFingerprint(report), first);
  report.set_crashing_tid(3);
  EXPECT_NE(CrashFingerprint(report), first);
}

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
