// Parsing /proc/PID/maps.
#ifndef DDCRASH_PTRACE_MAPS_H_
#define DDCRASH_PTRACE_MAPS_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ptrace/module_map.h"

namespace ddcrash {

// Parses the text of /proc/PID/maps into mappings, in the order given.
//
// Accepts every form the kernel prints: file paths (spaces included), a " (deleted)" suffix
// (stripped, `deleted` set), special regions ("[stack]", "[vdso]", "[anon:name]", ...),
// anonymous memory (no path) and 64-bit offsets. Blank lines are ignored.
//
// Policy for bad input: any other line that does not parse, or a mapping that is empty or
// overlaps/precedes the previous one, fails the whole parse with InvalidArgument naming the
// line number and its text. A silently skipped line would hide a module or a stack, and the
// kernel never prints such lines, so their presence means the input is not what we think it is.
absl::StatusOr<std::vector<Mapping>> ParseMaps(absl::string_view text);

}  // namespace ddcrash

#endif  // DDCRASH_PTRACE_MAPS_H_
