// NativeUnwinder over a live (frozen) process: libunwind's remote walk over our accessors
// (RemoteUnwinder) and the ELF symbolizer, both caching per module for the whole snapshot.
#ifndef DDCRASH_UNWIND_LIVE_NATIVE_UNWINDER_H_
#define DDCRASH_UNWIND_LIVE_NATIVE_UNWINDER_H_

#include "ptrace/process_snapshot.h"
#include "unwind/native_unwinder.h"
#include "unwind/symbolizer.h"
#include "unwind/unwinder.h"

namespace ddcrash {

class LiveNativeUnwinder : public NativeUnwinder {
 public:
  // `process` must outlive the unwinder.
  explicit LiveNativeUnwinder(ProcessSnapshot& process);

  absl::StatusOr<UnwoundStack> Unwind(const ThreadState& thread, size_t max_frames) override;
  void NameFrames(UnwoundStack& stack) override;

 private:
  ProcessSnapshot& process_;
  Symbolizer symbolizer_;
  RemoteUnwinder unwinder_;
};

}  // namespace ddcrash

#endif  // DDCRASH_UNWIND_LIVE_NATIVE_UNWINDER_H_
