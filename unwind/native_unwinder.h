// What the capture pipeline (capture/) needs from native unwinding: walk one stopped thread's
// stack, and name frames. The live implementation is LiveNativeUnwinder; capture/'s tests give
// their own.
#ifndef DDCRASH_UNWIND_NATIVE_UNWINDER_H_
#define DDCRASH_UNWIND_NATIVE_UNWINDER_H_

#include <cstddef>

#include "absl/status/statusor.h"
#include "ptrace/thread_state.h"
#include "unwind/native_frame.h"

namespace ddcrash {

class NativeUnwinder {
 public:
  virtual ~NativeUnwinder() = default;

  // Walks the stack of `thread` (stopped), at most `max_frames` frames; not named yet. Fails
  // when there is nothing to walk from (no address space, bad registers).
  virtual absl::StatusOr<UnwoundStack> Unwind(const ThreadState& thread, size_t max_frames) = 0;

  // Fills the function names of `stack`'s frames where they can be found.
  virtual void NameFrames(UnwoundStack& stack) = 0;
};

}  // namespace ddcrash

#endif  // DDCRASH_UNWIND_NATIVE_UNWINDER_H_
