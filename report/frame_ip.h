// Whether a frame's ip is the instruction itself or a return address. The one rule the report
// builder (which module holds the frame's code), the capture (which addresses the DAC names as
// return addresses) and deferred symbolization all follow.
#ifndef DDCRASH_REPORT_FRAME_IP_H_
#define DDCRASH_REPORT_FRAME_IP_H_

#include <cstdint>

#include "report/report.pb.h"

namespace ddcrash {

// Frame `index` of a stack whose next-inner frame is `inner` (null for frame 0): its ip is
// exact for frame 0 (the thread's registers), a signal trampoline, and the frame a signal
// interrupted (its registers were saved by the kernel); any other frame's ip is a return
// address, just after the call it is executing.
inline bool FrameIpIsExact(int index, const Frame& frame, const Frame* inner) {
  return index == 0 || frame.kind() == FRAME_KIND_SIGNAL_TRAMPOLINE ||
         (inner != nullptr && inner->kind() == FRAME_KIND_SIGNAL_TRAMPOLINE);
}

inline bool FrameIpIsExact(const Thread& thread, int index) {
  return FrameIpIsExact(index, thread.frames(index),
                        index > 0 ? &thread.frames(index - 1) : nullptr);
}

// The address of the instruction the frame is executing: ip, or ip - 1 for a return address.
inline uint64_t FrameCodeAddress(int index, const Frame& frame, const Frame* inner) {
  return FrameIpIsExact(index, frame, inner) || frame.ip() == 0 ? frame.ip() : frame.ip() - 1;
}

}  // namespace ddcrash

#endif  // DDCRASH_REPORT_FRAME_IP_H_
