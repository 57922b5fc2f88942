#include "triage/crash_line.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "report/fingerprint.h"
#include "report/text_renderer.h"

namespace ddcrash {

std::string CrashCause(const Report& report) {
  const Exception& exception = report.exception();
  if (!exception.type().empty()) {
    absl::string_view message = exception.message();
    message = message.substr(0, message.find('\n'));
    if (message.size() > kMaxCrashLineMessage) {
      return absl::StrCat(exception.type(), ": ", message.substr(0, kMaxCrashLineMessage), "...");
    }
    return message.empty() ? exception.type() : absl::StrCat(exception.type(), ": ", message);
  }
  const Signal& signal = report.signal();
  if (signal.number() != 0) {
    return signal.code_name().empty() ? signal.name()
                                      : absl::StrCat(signal.name(), " (", signal.code_name(), ")");
  }
  return "snapshot";
}

std::string CrashLine(const Report& report) {
  std::string line = Printable(CrashCause(report));
  if (const Thread* thread = CrashingThread(report)) {
    for (const Frame& frame : thread->frames()) {
      if (IsCrashMachinery(frame)) continue;
      absl::StrAppend(&line, " at ", FrameLabel(report, frame));
      break;
    }
  }
  return line;
}

}  // namespace ddcrash
