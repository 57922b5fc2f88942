// What the scrubber fuzzer exercises, shared with the test that replays its corpus: untrusted
// bytes scrubbed as text, as environment entries and as a command line (split at NULs, as in
// /proc/PID/environ and cmdline).
#ifndef DDCRASH_REPORT_SCRUBBER_FUZZ_TARGET_H_
#define DDCRASH_REPORT_SCRUBBER_FUZZ_TARGET_H_

#include "absl/strings/string_view.h"

namespace ddcrash {

// Returns false when a secret planted after the bytes (" password=...") survived scrubbing:
// whatever comes before it, a keyed secret must never get through.
bool ScrubUntrustedBytes(absl::string_view bytes);

}  // namespace ddcrash

#endif  // DDCRASH_REPORT_SCRUBBER_FUZZ_TARGET_H_
