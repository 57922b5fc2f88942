#include "unwind/native_frame.h"

namespace ddcrash {

const char* FrameTrustName(NativeFrameTrust trust) {
  switch (trust) {
    case NativeFrameTrust::kContext:
      return "context";
    case NativeFrameTrust::kCfi:
      return "cfi";
    case NativeFrameTrust::kFramePointer:
      return "frame_pointer";
    case NativeFrameTrust::kScan:
      return "scan";
  }
  return "unknown";
}

}  // namespace ddcrash
