#include "report/storage/report_path.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace ddcrash {

std::string ReportPathFor(absl::string_view directory, absl::string_view exe, pid_t pid,
                          absl::Time time) {
  const size_t slash = exe.rfind('/');
  std::string name(slash == absl::string_view::npos ? exe : exe.substr(slash + 1));
  for (char& c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      c = '_';
    }
  }
  if (name.empty() || name == "." || name == "..") name = "unknown";
  return absl::StrCat(directory, "/ddcrash.", name, ".", pid, ".", absl::ToUnixSeconds(time),
                      ".pb");
}

absl::Status EnsureDirectory(const std::string& directory) {
  if (directory.empty()) return absl::InvalidArgumentError("empty report directory");
  for (size_t i = 1; i <= directory.size(); ++i) {
    if (i != directory.size() && directory[i] != '/') continue;
    const std::string prefix = directory.substr(0, i);
    if (mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) {
      const int error = errno;
      return absl::Status(absl::ErrnoToStatusCode(error),
                          absl::StrCat("cannot create report directory ", prefix, ": ",
                                       strerror(error)));
    }
  }
  struct stat st;
  if (stat(directory.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(directory, " is not a directory"));
  }
  return absl::OkStatus();
}

}  // namespace ddcrash
