// The one UTF-8 validity rule for text from a crashed process (report text rendering, JSON
// escaping): which bytes stand as a character and which are invalid.
#ifndef DDCRASH_REPORT_UTF8_H_
#define DDCRASH_REPORT_UTF8_H_

#include <cstddef>

#include "absl/strings/string_view.h"

namespace ddcrash {

// Length (2 to 4) of the valid UTF-8 sequence starting at text[i], or 0: for ASCII, a bad
// lead or continuation byte, a cut sequence, overlong forms, surrogates and code points past
// U+10FFFF.
size_t Utf8SequenceLength(absl::string_view text, size_t i);

}  // namespace ddcrash

#endif  // DDCRASH_REPORT_UTF8_H_
