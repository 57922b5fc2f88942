// Finding `name=value` pairs in free text for the scrubber, without a regular expression: the
// pattern it replaces, ([?&]?)([A-Za-z_][A-Za-z0-9_.-]{0,127})[ \t]*=[ \t]*, cost RE2 a third
// of a small snapshot's instructions (every environment entry holds a '=').
#ifndef DDCRASH_REPORT_INTERNAL_KEYED_VALUE_H_
#define DDCRASH_REPORT_INTERNAL_KEYED_VALUE_H_

#include <cstddef>
#include <optional>

#include "absl/strings/string_view.h"

namespace ddcrash::report_internal {

// Names longer than this are matched by their last kMaxKeyLength characters, as the pattern's
// bounded repetition does.
inline constexpr size_t kMaxKeyLength = 128;

struct KeyedValue {
  size_t begin = 0;    // where the match starts: the '?' or '&' when there is one, else the name
  bool query = false;  // the name follows '?' or '&' (a query parameter)
  absl::string_view name;
  size_t value = 0;  // just past '=' and the blanks after it: where the value starts
};

// The leftmost match at or after `pos` of the pattern above, the one RE2 would find.
std::optional<KeyedValue> FindKeyedValue(absl::string_view text, size_t pos);

}  // namespace ddcrash::report_internal

#endif  // DDCRASH_REPORT_INTERNAL_KEYED_VALUE_H_
