// A JSON string literal for any bytes: report text comes from the crashed process and may hold
// anything, and every JSON reader must still accept the output.
#ifndef DDCRASH_JSON_JSON_STRING_H_
#define DDCRASH_JSON_JSON_STRING_H_

#include <string>

#include "absl/strings/string_view.h"

namespace ddcrash {

// `text` quoted per RFC 8259: '"', '\\' and control characters escaped (\n, \t, \u001b ...),
// valid UTF-8 kept, each byte of invalid UTF-8 replaced by U+FFFD.
std::string JsonString(absl::string_view text);

// Appends JsonString(text) to *out.
void AppendJsonString(absl::string_view text, std::string* out);

}  // namespace ddcrash

#endif  // DDCRASH_JSON_JSON_STRING_H_
