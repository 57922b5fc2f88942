// One line that says what a crash was and where: the line `ddquery --group` shows for a group
// and the body of its OTLP log record.
#ifndef DDCRASH_TRIAGE_CRASH_LINE_H_
#define DDCRASH_TRIAGE_CRASH_LINE_H_

#include <string>

#include "report/crashing_thread.h"
#include "report/report.pb.h"

namespace ddcrash {

// Longest exception message kept in a crash line (the report keeps all of it).
inline constexpr size_t kMaxCrashLineMessage = 200;

// The cause: "Type: first line of the message" for an unhandled exception, else
// "SIGSEGV (SEGV_MAPERR)", else "snapshot" for a report with neither.
std::string CrashCause(const Report& report);

// CrashCause, then " at " and the label of the crashing thread's (report/crashing_thread.h) first frame that is not
// crash-handling machinery (report/fingerprint.h), when there is one. Printable as is: control
// characters are escaped.
std::string CrashLine(const Report& report);

}  // namespace ddcrash

#endif  // DDCRASH_TRIAGE_CRASH_LINE_H_
