// What the report fuzzer exercises, shared with the regression test that replays its corpus:
// parse untrusted bytes and, when they parse, render them every way ddquery can.
#ifndef DDCRASH_REPORT_REPORT_FUZZ_TARGET_H_
#define DDCRASH_REPORT_REPORT_FUZZ_TARGET_H_

#include "absl/strings/string_view.h"

namespace ddcrash {

// Returns true when the bytes parsed as a valid report.
bool ParseAndRenderUntrustedReport(absl::string_view bytes);

}  // namespace ddcrash

#endif  // DDCRASH_REPORT_REPORT_FUZZ_TARGET_H_
