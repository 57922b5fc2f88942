// The file name of a path as reports show modules and executables ("libcoreclr.so" for
// "/usr/share/dotnet/shared/.../libcoreclr.so").
#ifndef DDCRASH_REPORT_BASENAME_H_
#define DDCRASH_REPORT_BASENAME_H_

#include "absl/strings/string_view.h"

namespace ddcrash {

// What follows the last '/', or `path` itself when it has none.
absl::string_view Basename(absl::string_view path);

}  // namespace ddcrash

#endif  // DDCRASH_REPORT_BASENAME_H_
