#include "report/frame_ip.h"

#include "gtest/gtest.h"

namespace ddcrash {
namespace {

Frame Make(uint64_t ip, FrameKind kind) {
  Frame f;
  f.set_ip(ip);
  f.set_kind(kind);
  return f;
}

TEST(FrameIpTest, TheRegistersFrameATrampolineAndTheFrameItInterruptedAreExact) {
  Thread thread;
  *thread.add_frames() = Make(0x1000, FRAME_KIND_NATIVE);              // registers
  *thread.add_frames() = Make(0x2000, FRAME_KIND_NATIVE);              // return address
  *thread.add_frames() = Make(0x3000, FRAME_KIND_SIGNAL_TRAMPOLINE);  // __restore_rt
  *thread.add_frames() = Make(0x4000, FRAME_KIND_MANAGED);            // interrupted: exact
  *thread.add_frames() = Make(0x5000, FRAME_KIND_MANAGED);            // return address
  EXPECT_TRUE(FrameIpIsExact(thread, 0));
  EXPECT_FALSE(FrameIpIsExact(thread, 1));
  EXPECT_TRUE(FrameIpIsExact(thread, 2));
  EXPECT_TRUE(FrameIpIsExact(thread, 3));
  EXPECT_FALSE(FrameIpIsExact(thread, 4));
}

TEST(FrameIpTest, AReturnAddressStandsForTheCallBeforeIt) {
  const Frame inner = Make(0x1000, FRAME_KIND_NATIVE);
  EXPECT_EQ(FrameCodeAddress(1, Make(0x2000, FRAME_KIND_NATIVE), &inner), 0x1fffu);
  EXPECT_EQ(FrameCodeAddress(0, Make(0x2000, FRAME_KIND_NATIVE), nullptr), 0x2000u);
  EXPECT_EQ(FrameCodeAddress(1, Make(0, FRAME_KIND_NATIVE), &inner), 0u);  // no underflow
}

}  // namespace
}  // namespace ddcrash
