// Names for signal numbers, si_code values and errno values, as a report shows them.
#ifndef DDCRASH_REPORT_SIGNAL_NAMES_H_
#define DDCRASH_REPORT_SIGNAL_NAMES_H_

#include <string>

namespace ddcrash {

// "SIGSEGV"; "SIG<n>" for numbers without a name (real-time signals: "SIGRTMIN+<k>").
std::string SignalName(int signal_number);

// "SEGV_MAPERR", "SI_USER", ...; the decimal code when it has no name for that signal.
std::string SignalCodeName(int signal_number, int code);

// "ENOMEM"; "" for 0; the decimal value for unknown errnos.
std::string ErrnoName(int error_number);

}  // namespace ddcrash

#endif  // DDCRASH_REPORT_SIGNAL_NAMES_H_
