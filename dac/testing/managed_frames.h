// Managed frames for tests of the layers that read them: a frame's text is shared and never
// changed in place, so a test that sets one field of it makes the frame a text of its own.
#ifndef DDCRASH_DAC_TESTING_MANAGED_FRAMES_H_
#define DDCRASH_DAC_TESTING_MANAGED_FRAMES_H_

#include <cstdint>
#include <memory>
#include <utility>

#include "dac/managed_state.h"

namespace ddcrash::dac {

inline ManagedFrame FrameWith(uint64_t ip, uint64_t sp, FrameText text) {
  return ManagedFrame{.ip = ip, .sp = sp, .text = std::make_shared<const FrameText>(std::move(text))};
}

// `frame`'s text as `edit` changes it (on a copy: other frames sharing the text keep theirs).
template <typename Edit>
void EditText(ManagedFrame& frame, Edit&& edit) {
  FrameText text = *frame.text;
  std::forward<Edit>(edit)(text);
  frame.text = std::make_shared<const FrameText>(std::move(text));
}

}  // namespace ddcrash::dac

#endif  // DDCRASH_DAC_TESTING_MANAGED_FRAMES_H_
