#include "report/internal/keyed_value.h"

#include <algorithm>

#include "absl/strings/ascii.h"

namespace ddcrash::report_internal {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }
bool IsNameChar(char c) { return absl::ascii_isalnum(c) || c == '_' || c == '.' || c == '-'; }
bool IsNameStart(char c) { return absl::ascii_isalpha(c) || c == '_'; }

}  // namespace

std::optional<KeyedValue> FindKeyedValue(absl::string_view text, size_t pos) {
  // A name holds no '=' and no blank, so matches are in the order of their '='; the first
  // '=' with a name before it (within `pos`) gives the leftmost match.
  for (size_t eq = text.find('=', pos); eq != absl::string_view::npos;
       eq = text.find('=', eq + 1)) {
    size_t name_end = eq;
    while (name_end > pos && IsBlank(text[name_end - 1])) --name_end;
    size_t run = name_end;
    while (run > pos && IsNameChar(text[run - 1])) --run;
    const size_t lowest = std::max(run, name_end >= kMaxKeyLength ? name_end - kMaxKeyLength : 0);
    size_t start = lowest;
    while (start < name_end && !IsNameStart(text[start])) ++start;
    if (start == name_end) continue;
    KeyedValue match;
    match.begin = start;
    match.name = text.substr(start, name_end - start);
    // An earlier start, on the '?' or '&' right before the name, is the leftmost one.
    if (start == run && start > pos && (text[start - 1] == '?' || text[start - 1] == '&')) {
      match.begin = start - 1;
      match.query = true;
    }
    match.value = eq + 1;
    while (match.value < text.size() && IsBlank(text[match.value])) ++match.value;
    return match;
  }
  return std::nullopt;
}

}  // namespace ddcrash::report_internal
