#include "unwind/live_native_unwinder.h"

#include "unwind/stack_walker.h"

namespace ddcrash {

LiveNativeUnwinder::LiveNativeUnwinder(ProcessSnapshot& process)
    : process_(process),
      symbolizer_(SymbolizerOptions{.pid = process.pid()}),
      unwinder_(process.memory(), process.modules(), process.pid(), &symbolizer_) {}

absl::StatusOr<UnwoundStack> LiveNativeUnwinder::Unwind(const ThreadState& thread,
                                                        size_t max_frames) {
  UnwindOptions options;
  options.max_frames = max_frames;
  options.pid = process_.pid();
  return unwinder_.Unwind(thread, options);
}

void LiveNativeUnwinder::NameFrames(UnwoundStack& stack) {
  SymbolizeFrames(process_.modules(), symbolizer_, stack);
}

}  // namespace ddcrash
