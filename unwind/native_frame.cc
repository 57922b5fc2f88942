#include "unwind/native_frame.h"

namespace ddcrash {

const char* FrameTrustName(FrameTrust trust) {
  switch (trust) {
    case FrameTrust::kContext:
      return "context";
    case FrameTrust::kCfi:
      return "cfi";
    case FrameTrust::kFramePointer:
      return "frame_pointer";
    case FrameTrust::kScan:
      return "scan";
  }
  return "unknown";
}

}  // namespace ddcrash
