// A stable identifier for "the same crash": reports whose crashing threads fail in the same
// place under the same cause share it, whatever the addresses, pids and times.
#ifndef DDCRASH_REPORT_FINGERPRINT_H_
#define DDCRASH_REPORT_FINGERPRINT_H_

#include <string>

#include "report/report.pb.h"

namespace ddcrash {

// How many meaningful frames of the crashing thread enter the fingerprint.
inline constexpr int kFingerprintFrames = 5;

// 16 lowercase hex digits. Inputs: the exception type or signal name, then the top
// kFingerprintFrames frames that are not crash-handling machinery (signal trampolines, abort,
// the runtime's own crash path), each as its function name (module basename + offset when it
// has none). Addresses never enter it, so ASLR and rebuilt-but-identical code do not change it.
std::string CrashFingerprint(const Report& report);

// Frames that are on a crash's stack because of how crashes are handled, not where they happen
// (signal trampolines, raise/abort, the runtime's crash path): the fingerprint skips them.
bool IsCrashMachinery(const Frame& frame);

}  // namespace ddcrash

#endif  // DDCRASH_REPORT_FINGERPRINT_H_
