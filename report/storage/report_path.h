// Where reports go: the file name pattern and the report directory.
#ifndef DDCRASH_REPORT_STORAGE_REPORT_PATH_H_
#define DDCRASH_REPORT_STORAGE_REPORT_PATH_H_

#include <sys/types.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ddcrash {

// "<dir>/ddcrash.<exe basename>.<pid>.<unix seconds>.pb"; characters of the executable name
// other than [A-Za-z0-9._-] become '_' so the name is always a single safe path component.
std::string ReportPathFor(absl::string_view directory, absl::string_view exe, pid_t pid,
                          absl::Time time);

// Creates `directory` and missing parents (mode 0700: reports describe processes).
absl::Status EnsureDirectory(const std::string& directory);

}  // namespace ddcrash

#endif  // DDCRASH_REPORT_STORAGE_REPORT_PATH_H_
