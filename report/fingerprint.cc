#include "report/fingerprint.h"

#include <array>
#include <cstdint>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "report/basename.h"
#include "report/crashing_thread.h"
#include "report/frame_module.h"

namespace ddcrash {
namespace {

// Functions that appear on every crash's stack because of how crashes are handled, not
// where they happen.
constexpr std::array<absl::string_view, 16> kCrashMachinery = {
    "raise", "abort", "gsignal", "__pthread_kill_implementation", "__pthread_kill_internal",
    "pthread_kill", "__GI_raise", "__GI_abort", "__restore_rt", "PROCAbort",
    "PROCCreateCrashDumpIfEnabled", "PROCCreateCrashDump", "invoke_previous_action",
    "sigsegv_handler", "sigabrt_handler", "common_signal_handler"};

uint64_t Fnv1a(absl::string_view bytes, uint64_t hash) {
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ull;
  }
  return hash;
}

}  // namespace

bool IsCrashMachinery(const Frame& frame) {
  if (frame.kind() == FRAME_KIND_SIGNAL_TRAMPOLINE) return true;
  for (absl::string_view name : kCrashMachinery) {
    if (frame.function() == name || absl::StartsWith(frame.function(), absl::StrCat(name, "("))) {
      return true;
    }
  }
  return false;
}

std::string CrashFingerprint(const Report& report) {
  uint64_t hash = 0xcbf29ce484222325ull;
  const std::string cause = !report.exception().type().empty() ? report.exception().type()
                                                                : report.signal().name();
  hash = Fnv1a(cause, hash);
  const Thread* crashing = CrashingThread(report);
  int used = 0;
  if (crashing != nullptr) {
    for (const Frame& frame : crashing->frames()) {
      if (used == kFingerprintFrames) break;
      if (IsCrashMachinery(frame)) continue;
      const std::string part =
          !frame.function().empty()
              ? frame.function()
              : absl::StrFormat("%s+0x%x", Basename(FrameModulePath(report, frame)),
                                frame.module_offset());
      hash = Fnv1a("\n", Fnv1a(part, hash));
      ++used;
    }
  }
  return absl::StrFormat("%016x", hash);
}

}  // namespace ddcrash
