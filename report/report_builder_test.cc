#include "report/report_builder.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "report/schema.h"

namespace ddcrash {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

ReportBuilder MakeBuilder() {
  absl::StatusOr<Scrubber> scrubber = Scrubber::Create("");
  return ReportBuilder(*std::move(scrubber), "1.2.3", absl::FromUnixSeconds(100));
}

TEST(ReportBuilderTest, SecretsNeverReachTheReport) {
  ReportBuilder builder = MakeBuilder();
  builder.SetProcess(10, 1, "/app/App",
                     {"/app/App", "--db-password", "hunter2", "--api_key=sk-live-123"},
                     {"HOME=/root", "DD_API_KEY=0123abcd", "AWS_SECRET_ACCESS_KEY=wJalr"});
  Report report = std::move(builder).Build(absl::FromUnixSeconds(101));
  std::string serialized;
  ASSERT_TRUE(report.SerializeToString(&serialized));
  for (const char* secret : {"hunter2", "sk-live-123", "0123abcd", "wJalr"}) {
    EXPECT_THAT(serialized, Not(HasSubstr(secret))) << secret;
  }
  EXPECT_THAT(report.process().cmdline(),
              ElementsAre("/app/App", "--db-password", "[scrubbed]", "--api_key=[scrubbed]"));
  EXPECT_THAT(report.process().environment(), Contains("HOME=/root"));
  EXPECT_THAT(report.process().environment(), Contains("DD_API_KEY=[scrubbed]"));
}

TEST(ReportBuilderTest, FramesGetIndexesAndModules) {
  ReportBuilder builder = MakeBuilder();
  Module libc;
  libc.set_path("/lib/libc.so.6");
  libc.set_base(0x2000);
  libc.set_size(0x1000);
  libc.set_file_offset(0x100);
  Module app;
  app.set_path("/app/App");
  app.set_base(0x1000);
  app.set_size(0x800);
  builder.AddModule(libc);
  builder.AddModule(app);
  Thread* thread = builder.AddThread(7, "main");
  Frame in_libc;
  in_libc.set_ip(0x2010);
  Frame in_app;
  in_app.set_ip(0x1004);
  Frame in_gap;
  in_gap.set_ip(0x1900);
  builder.AddFrame(thread, in_libc);
  builder.AddFrame(thread, in_app);
  builder.AddFrame(thread, in_gap);
  Report report = std::move(builder).Build(absl::FromUnixSeconds(100));
  const Thread& built = report.threads(0);
  ASSERT_EQ(built.frames_size(), 3);
  EXPECT_EQ(built.frames(0).index(), 0u);
  EXPECT_EQ(built.frames(0).module_index(), 0);
  EXPECT_EQ(report.modules(0).path(), "/lib/libc.so.6");
  // ip - base: the mapping's file offset plays no part.
  EXPECT_EQ(built.frames(0).module_offset(), 0x10u);
  EXPECT_EQ(built.frames(1).index(), 1u);
  EXPECT_EQ(built.frames(1).module_index(), 1);
  EXPECT_EQ(built.frames(1).module_offset(), 4u);
  EXPECT_EQ(built.frames(2).module_index(), -1);
  EXPECT_EQ(built.frames(2).module_offset(), 0u);
}

TEST(ReportBuilderTest, ReturnAddressesAreAttributedThroughTheCallBeforeThem) {
  ReportBuilder builder = MakeBuilder();
  Module first;
  first.set_path("/lib/first.so");
  first.set_base(0x1000);
  first.set_size(0x1000);
  first.set_format(MODULE_FORMAT_ELF);
  Module second;
  second.set_path("/app/second.dll");
  second.set_base(0x2000);
  second.set_size(0x1000);
  second.set_format(MODULE_FORMAT_PE);
  builder.AddModule(first);
  builder.AddModule(second);
  Thread* thread = builder.AddThread(7, "main");
  Frame frame;
  frame.set_ip(0x2000);  // frame 0: the exact instruction, at the start of `second`
  builder.AddFrame(thread, frame);
  // A return address right after a call that ends `first`: the call is in `first`.
  builder.AddFrame(thread, frame);
  Frame trampoline;
  trampoline.set_ip(0x2000);  // not a return address either
  trampoline.set_kind(FRAME_KIND_SIGNAL_TRAMPOLINE);
  builder.AddFrame(thread, trampoline);
  // Interrupted by the signal: exact again.
  builder.AddFrame(thread, frame);
  Report report = std::move(builder).Build(absl::FromUnixSeconds(100));
  const Thread& built = report.threads(0);
  ASSERT_EQ(built.frames_size(), 4);
  EXPECT_EQ(built.frames(0).module_index(), 1);
  EXPECT_EQ(built.frames(0).module_offset(), 0u);
  EXPECT_EQ(built.frames(0).kind(), FRAME_KIND_UNKNOWN);  // not ELF: until the DAC names it
  EXPECT_EQ(built.frames(1).module_index(), 0);
  EXPECT_EQ(built.frames(1).module_offset(), 0x1000u);  // of the ip, not the looked-up address
  EXPECT_EQ(built.frames(1).kind(), FRAME_KIND_NATIVE);
  EXPECT_EQ(built.frames(2).kind(), FRAME_KIND_SIGNAL_TRAMPOLINE);
  EXPECT_EQ(built.frames(2).module_index(), 1);
  EXPECT_EQ(built.frames(3).module_index(), 1);
  EXPECT_EQ(report.modules(1).path(), "/app/second.dll");
}

TEST(ReportBuilderTest, PlaceFramesRedoesWhatAFrameInsertedAboveAnotherChanged) {
  ReportBuilder builder = MakeBuilder();
  Module first;
  first.set_path("/lib/first.so");
  first.set_base(0x1000);
  first.set_size(0x1000);
  first.set_format(MODULE_FORMAT_ELF);
  Module second;
  second.set_path("/app/second.dll");
  second.set_base(0x2000);
  second.set_size(0x1000);
  second.set_format(MODULE_FORMAT_PE);
  builder.AddModule(first);
  builder.AddModule(second);
  Thread* thread = builder.AddThread(7, "main");
  Frame at_boundary;
  at_boundary.set_ip(0x2000);
  builder.AddFrame(thread, at_boundary);  // frame 0: exact, in `second`
  ASSERT_EQ(thread->frames(0).module_index(), 1);
  // A frame put above it (as the managed merge inserts one) makes it a return address, whose
  // call is the last instruction of `first`.
  Frame inserted;
  inserted.set_ip(0x1100);
  inserted.set_kind(FRAME_KIND_MANAGED);
  *thread->add_frames() = inserted;
  thread->mutable_frames()->SwapElements(0, 1);
  builder.PlaceFrames(thread);
  EXPECT_EQ(thread->frames(0).index(), 0u);
  EXPECT_EQ(thread->frames(0).module_index(), 0);
  EXPECT_EQ(thread->frames(0).kind(), FRAME_KIND_MANAGED) << "a kind already set stays";
  EXPECT_EQ(thread->frames(1).index(), 1u);
  EXPECT_EQ(thread->frames(1).module_index(), 0);
  EXPECT_EQ(thread->frames(1).module_offset(), 0x1000u);
  EXPECT_EQ(thread->frames(1).kind(), FRAME_KIND_UNKNOWN) << "set when it was added";
}

TEST(ReportBuilderTest, CrashedFlagSignalNamesIncompleteAndTimings) {
  ReportBuilder builder = MakeBuilder();
  builder.SetTrigger(TRIGGER_CRASH);
  builder.SetSignal(11, 1, 0, 0xdead);
  builder.SetCrashingTid(8);
  builder.AddThread(7, "main");
  builder.AddThread(8, "worker");
  builder.MarkIncomplete("dac", "timed out after 2000 ms");
  builder.RecordStage("attach", absl::Milliseconds(3));
  Report report = std::move(builder).Build(absl::FromUnixSeconds(100) + absl::Milliseconds(50));
  EXPECT_EQ(report.schema_version(), kSchemaVersion);
  EXPECT_FALSE(report.threads(0).crashed());
  EXPECT_TRUE(report.threads(1).crashed());
  EXPECT_EQ(report.signal().name(), "SIGSEGV");
  EXPECT_EQ(report.signal().code_name(), "SEGV_MAPERR");
  EXPECT_EQ(report.signal().fault_address(), 0xdeadu);
  EXPECT_TRUE(report.diagnostics().incomplete());
  ASSERT_EQ(report.diagnostics().incomplete_reasons_size(), 1);
  EXPECT_EQ(report.diagnostics().incomplete_reasons(0).stage(), "dac");
  EXPECT_EQ(report.diagnostics().stages(0).duration_nanos(), 3000000);
  EXPECT_EQ(report.diagnostics().total_duration_nanos(), 50000000);
  EXPECT_EQ(report.diagnostics().reporter_version(), "1.2.3");
}

TEST(ReportBuilderTest, CheckpointIsFinishedAndMarkedButLeavesTheBuilderAsItWas) {
  ReportBuilder builder = MakeBuilder();
  builder.SetCrashingTid(11);
  builder.AddThread(10, "main");
  builder.AddThread(11, "worker");
  Report checkpoint = builder.Checkpoint(absl::FromUnixSeconds(102), "native stacks");
  EXPECT_TRUE(checkpoint.diagnostics().incomplete());
  ASSERT_EQ(checkpoint.diagnostics().incomplete_reasons_size(), 1);
  EXPECT_EQ(checkpoint.diagnostics().incomplete_reasons(0).stage(), "checkpoint");
  EXPECT_THAT(checkpoint.diagnostics().incomplete_reasons(0).reason(),
              HasSubstr("missing: native stacks"));
  EXPECT_EQ(checkpoint.diagnostics().total_duration_nanos(), 2'000'000'000);
  EXPECT_FALSE(checkpoint.threads(0).crashed());
  EXPECT_TRUE(checkpoint.threads(1).crashed());

  // The capture goes on: the builder's own report carries no checkpoint marks.
  EXPECT_FALSE(builder.report().diagnostics().incomplete());
  EXPECT_FALSE(builder.report().threads(1).crashed());
  Report final_report = std::move(builder).Build(absl::FromUnixSeconds(103));
  EXPECT_FALSE(final_report.diagnostics().incomplete());
  EXPECT_TRUE(final_report.threads(1).crashed());
}

TEST(StageTimerTest, CurrentNamesTheInnermostRunningStage) {
  ReportBuilder builder = MakeBuilder();
  EXPECT_EQ(StageTimer::Current(), nullptr);
  {
    StageTimer outer(&builder, "unwind");
    EXPECT_STREQ(StageTimer::Current(), "unwind");
    {
      StageTimer inner(&builder, "dac");
      EXPECT_STREQ(StageTimer::Current(), "dac");
    }
    EXPECT_STREQ(StageTimer::Current(), "unwind");
  }
  EXPECT_EQ(StageTimer::Current(), nullptr);
}

}  // namespace
}  // namespace ddcrash
