#include "capture/managed_merge.h"

#include "dac/testing/managed_frames.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ddcrash {
namespace {

Frame Native(uint64_t ip, uint64_t sp, const char* function, FrameKind kind) {
  Frame frame;
  frame.set_ip(ip);
  frame.set_sp(sp);
  frame.set_function(function);
  frame.set_kind(kind);
  frame.set_trust(FRAME_TRUST_CFI);
  return frame;
}

dac::ManagedFrame Method(uint64_t ip, uint64_t sp, const char* signature) {
  dac::FrameText text;
  text.kind = dac::ManagedFrameKind::kManagedMethod;
  text.method_signature = signature;
  text.method = signature;
  text.module_path = "/app/App.dll";
  text.token = 0x06000001;
  text.il_offset = 7;
  text.code_kind = dac::CodeKind::kJit;
  return dac::FrameWith(ip, sp, text);
}

dac::ManagedFrame InlinedCallFrame(uint64_t frame_address, uint64_t sp = 0) {
  dac::FrameText text;
  text.kind = dac::ManagedFrameKind::kRuntimeTransition;
  text.transition_frame = "InlinedCallFrame";
  dac::ManagedFrame frame = dac::FrameWith(0, sp, text);
  frame.frame_address = frame_address;
  return frame;
}

using Frames = google::protobuf::RepeatedPtrField<Frame>;

Frames Stack(std::vector<Frame> frames) {
  Frames stack;
  for (Frame& frame : frames) *stack.Add() = std::move(frame);
  return stack;
}

std::vector<std::string> Functions(const Frames& frames) {
  std::vector<std::string> names;
  for (const Frame& frame : frames) names.push_back(frame.function());
  return names;
}

TEST(ManagedMergeTest, NamesNativeFramesAtTheSameIp) {
  Frames frames = Stack({Native(0x10, 0x100, "pause", FRAME_KIND_NATIVE),
                               Native(0x20, 0x110, "", FRAME_KIND_UNKNOWN),
                               Native(0x30, 0x120, "", FRAME_KIND_UNKNOWN),
                               Native(0x40, 0x130, "start_thread", FRAME_KIND_NATIVE)});
  MergeManagedFrames({Method(0x20, 0x110, "A.B.Inner()"), Method(0x30, 0x120, "A.B.Outer()")},
                     &frames);
  EXPECT_THAT(Functions(frames),
              ::testing::ElementsAre("pause", "A.B.Inner()", "A.B.Outer()", "start_thread"));
  EXPECT_EQ(frames[1].kind(), FRAME_KIND_MANAGED);
  EXPECT_EQ(frames[1].trust(), FRAME_TRUST_CFI) << "found by the native walk, named by the DAC";
  EXPECT_EQ(frames[1].managed().il_offset(), 7);
  EXPECT_EQ(frames[1].managed().code_kind(), CODE_KIND_JIT);
  EXPECT_EQ(frames[1].managed().module_path(), "/app/App.dll");
}

TEST(ManagedMergeTest, NamesAnUnnamedNativeFrameAtTheSameSpInsteadOfAddingOne) {
  // The DAC reports Sleep at the P/Invoke call site it saved (0x7f1); the native walk found the
  // return address the stack holds (0x800) with the same sp.
  Frames frames = Stack({Native(0x10, 0x100, "futex_wait", FRAME_KIND_NATIVE),
                               Native(0x800, 0x160, "", FRAME_KIND_UNKNOWN),
                               Native(0x900, 0x170, "", FRAME_KIND_UNKNOWN)});
  dac::ManagedFrame sleep = Method(0x7f1, 0x160, "Thread.Sleep(Int32)");
  dac::EditText(sleep, [](dac::FrameText& t) {
    t.method_start = 0x700;
    t.native_offset = 0xf1;
  });
  MergeManagedFrames({sleep, Method(0x900, 0x170, "Caller()")}, &frames);
  EXPECT_THAT(Functions(frames),
              ::testing::ElementsAre("futex_wait", "Thread.Sleep(Int32)", "Caller()"));
  EXPECT_EQ(frames[1].ip(), 0x800u);
  EXPECT_EQ(frames[1].kind(), FRAME_KIND_MANAGED);
  EXPECT_EQ(frames[1].managed().native_offset(), 0x100u) << "from the ip the frame keeps";
  // A named native frame at that sp is a different frame (the callee side of the boundary).
  Frames native_callee = Stack({Native(0x10, 0x160, "memset", FRAME_KIND_NATIVE)});
  MergeManagedFrames({Method(0x7f1, 0x160, "P.Invoke()")}, &native_callee);
  EXPECT_THAT(Functions(native_callee), ::testing::ElementsAre("memset", "P.Invoke()"));
}

TEST(ManagedMergeTest, InsertsFramesTheNativeWalkMissedBySp) {
  Frames frames = Stack({Native(0x10, 0x100, "pause", FRAME_KIND_NATIVE),
                               Native(0x40, 0x140, "start_thread", FRAME_KIND_NATIVE)});
  // Its object's address decides its place, not its sp.
  const dac::ManagedFrame transition = InlinedCallFrame(0x108, 0x1000);
  const Frame* start_thread = &frames[1];
  MergeManagedFrames({transition, Method(0x20, 0x120, "A.B.Lost()")}, &frames);
  EXPECT_THAT(Functions(frames), ::testing::ElementsAre("pause", "[InlinedCallFrame]",
                                                        "A.B.Lost()", "start_thread"));
  EXPECT_EQ(&frames[3], start_thread) << "the native walk's frames move as pointers";
  EXPECT_EQ(frames[1].kind(), FRAME_KIND_RUNTIME_STUB);
  EXPECT_EQ(frames[1].ip(), 0u) << "a transition frame's context ip is not its own";
  EXPECT_EQ(frames[2].trust(), FRAME_TRUST_DAC);
}

TEST(ManagedMergeTest, OneTransitionFrameObjectIsOneFrame) {
  Frames frames = Stack({Native(0x10, 0x100, "memset", FRAME_KIND_NATIVE)});
  const dac::ManagedFrame transition = InlinedCallFrame(0x180);
  MergeManagedFrames({transition, Method(0x20, 0x190, "P.Invoke()"), transition}, &frames);
  EXPECT_THAT(Functions(frames),
              ::testing::ElementsAre("memset", "[InlinedCallFrame]", "P.Invoke()"));
}

TEST(ManagedMergeTest, NoFrameLostOrDuplicated) {
  Frames frames = Stack({Native(0x20, 0x110, "", FRAME_KIND_UNKNOWN),
                               Native(0x20, 0x150, "", FRAME_KIND_UNKNOWN)});
  // Recursion: the same ip twice; each DAC frame names one native frame.
  MergeManagedFrames({Method(0x20, 0x110, "R()"), Method(0x20, 0x150, "R()")}, &frames);
  EXPECT_THAT(Functions(frames), ::testing::ElementsAre("R()", "R()"));
  Frames empty;
  MergeManagedFrames({Method(0x20, 0x110, "Only()")}, &empty);
  EXPECT_THAT(Functions(empty), ::testing::ElementsAre("Only()"));
}

TEST(ManagedMergeTest, NamesUnlistedManagedCodeByIp) {
  // A method's first-tier frame under its on-stack-replacement version: the DAC's walk lists
  // the method once; asked about the address, it names the other frame too.
  Frames frames = Stack({Native(0x20, 0x110, "A.Run()", FRAME_KIND_MANAGED),
                               Native(0x2136, 0x150, "", FRAME_KIND_UNKNOWN),
                               Native(0x40, 0x170, "start_thread", FRAME_KIND_NATIVE)});
  NameUnlistedManagedCode({Method(0x2136, 0, "A.Run()"), Method(0x9999, 0, "Other()")}, &frames);
  EXPECT_THAT(Functions(frames), ::testing::ElementsAre("A.Run()", "A.Run()", "start_thread"));
  EXPECT_EQ(frames[1].kind(), FRAME_KIND_MANAGED);
  EXPECT_EQ(frames[1].sp(), 0x150u);
  EXPECT_EQ(frames[1].trust(), FRAME_TRUST_CFI);
  EXPECT_EQ(frames[1].managed().module_path(), "/app/App.dll");
}

TEST(ManagedMergeTest, ExceptionChain) {
  dac::ManagedException outer;
  outer.type = "System.ApplicationException";
  outer.message = "outer";
  outer.hresult = static_cast<int32_t>(0x80131600);
  dac::ManagedException inner;
  inner.type = "System.InvalidOperationException";
  inner.message = "inner";
  outer.inner.push_back(inner);
  Exception proto = ExceptionToProto(outer, 42);
  EXPECT_EQ(proto.type(), "System.ApplicationException");
  EXPECT_EQ(proto.tid(), 42u);
  EXPECT_EQ(proto.inner().type(), "System.InvalidOperationException");
  EXPECT_EQ(proto.inner().message(), "inner");
  EXPECT_FALSE(proto.inner().has_inner());
  EXPECT_EQ(proto.inner_exceptions_size(), 0);
}

TEST(ManagedMergeTest, AggregateKeepsEveryInnerExceptionAndTheCount) {
  dac::ManagedException aggregate;
  aggregate.type = "System.AggregateException";
  dac::ManagedException first;
  first.type = "System.InvalidOperationException";
  first.message = "first";
  dac::ManagedException second;
  second.type = "System.ArgumentException";
  second.message = "second";
  second.inner.push_back(first);
  aggregate.inner.push_back(first);
  aggregate.inner_exceptions = {first, second};
  aggregate.inner_exceptions_omitted = 5;
  Exception proto = ExceptionToProto(aggregate, 7);
  EXPECT_EQ(proto.inner().message(), "first");
  ASSERT_EQ(proto.inner_exceptions_size(), 2);
  EXPECT_EQ(proto.inner_exceptions(0).type(), "System.InvalidOperationException");
  EXPECT_EQ(proto.inner_exceptions(1).message(), "second");
  EXPECT_EQ(proto.inner_exceptions(1).inner().message(), "first");
  EXPECT_EQ(proto.inner_exceptions(1).tid(), 7u);
  EXPECT_EQ(proto.inner_exceptions_omitted(), 5u);
}

TEST(ManagedMergeTest, RecordedFramesBecomeManagedFramesWithTheirBoundaries) {
  dac::ManagedException e;
  e.type = "System.InvalidOperationException";
  e.frames = {Method(0x2010, 0x700, "A.Inner()"), Method(0x3010, 0x800, "A.Outer()")};
  dac::EditText(e.frames[0], [](dac::FrameText& t) { t.il_offset = 6; });
  e.previous_throw_ends = {0};
  e.remote_stack_trace = "   at Remote.Site()\n";
  e.frames_omitted = 2;
  Exception proto = ExceptionToProto(e, 9);
  ASSERT_EQ(proto.frames_size(), 2);
  EXPECT_EQ(proto.frames(0).kind(), FRAME_KIND_MANAGED);
  EXPECT_EQ(proto.frames(0).ip(), 0x2010u);
  EXPECT_EQ(proto.frames(0).sp(), 0u);
  EXPECT_EQ(proto.frames(0).managed().il_offset(), 6);
  EXPECT_EQ(proto.frames(1).index(), 1u);
  EXPECT_EQ(proto.frames(1).function(), "A.Outer()");
  EXPECT_THAT(proto.previous_throw_ends(), ::testing::ElementsAre(0u));
  EXPECT_EQ(proto.remote_stack_trace(), "   at Remote.Site()\n");
  EXPECT_EQ(proto.frames_omitted(), 2u);
  // No text kept by the runtime: composed later, from the frames.
  EXPECT_EQ(proto.stack_trace(), "");
  e.stack_trace = "   at Kept.Text()";
  EXPECT_EQ(ExceptionToProto(e, 9).stack_trace(), "   at Remote.Site()\n   at Kept.Text()");
}

}  // namespace
}  // namespace ddcrash
