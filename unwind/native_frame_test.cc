#include "unwind/native_frame.h"

#include <string>

#include "gtest/gtest.h"

namespace ddcrash {
namespace {

TEST(NativeFrameTest, LookupAddressAdjustsReturnAddressesOnly) {
  NativeFrame frame;
  frame.ip = 0x1000;
  EXPECT_EQ(frame.LookupAddress(), 0xfffu);
  frame.ip_is_exact = true;
  EXPECT_EQ(frame.LookupAddress(), 0x1000u);
  frame.ip = 0;
  frame.ip_is_exact = false;
  EXPECT_EQ(frame.LookupAddress(), 0u);
}

TEST(NativeFrameTest, TrustNames) {
  EXPECT_EQ(std::string(FrameTrustName(NativeFrameTrust::kContext)), "context");
  EXPECT_EQ(std::string(FrameTrustName(NativeFrameTrust::kCfi)), "cfi");
  EXPECT_EQ(std::string(FrameTrustName(NativeFrameTrust::kFramePointer)), "frame_pointer");
  EXPECT_EQ(std::string(FrameTrustName(NativeFrameTrust::kScan)), "scan");
}

}  // namespace
}  // namespace ddcrash
