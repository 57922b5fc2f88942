// One fuzz input through what retention reads from files others may have put in a report
// directory: the name parser and the header check. Shared by the fuzzer and its corpus test.
#ifndef DDCRASH_REPORT_STORAGE_REPORT_NAMES_FUZZ_H_
#define DDCRASH_REPORT_STORAGE_REPORT_NAMES_FUZZ_H_

#include "absl/strings/string_view.h"

namespace ddcrash {

// Parses `bytes` as a file name and checks them as a report header; a name that parses must
// be exactly the one ReportFileName makes from its parts (aborts otherwise: a fuzzer finding).
// Returns whether the name parsed.
bool FuzzReportName(absl::string_view bytes);

}  // namespace ddcrash

#endif  // DDCRASH_REPORT_STORAGE_REPORT_NAMES_FUZZ_H_
