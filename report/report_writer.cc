#include "report/report_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <string_view>

#include "absl/strings/str_cat.h"

namespace ddcrash {
namespace {

absl::Status ErrnoError(absl::string_view what, const std::string& path, int error) {
  return absl::Status(absl::ErrnoToStatusCode(error),
                      absl::StrCat(what, " ", path, ": ", strerror(error)));
}

absl::Status WriteAll(int fd, const std::string& bytes, const std::string& path) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("cannot write", path, errno);
    }
    done += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

absl::Status WriteReportAtomically(const Report& report, const std::string& path,
                                   Durability durability) {
  std::string bytes;
  if (!report.SerializeToString(&bytes)) {
    return absl::InternalError("cannot serialize the report");
  }
  // The temporary name starts with '.' so report directory listings and retention ignore it.
  const std::string directory = DirectoryOf(path);
  const std::string base = path.substr(path.rfind('/') + 1);
  std::string temp_path = absl::StrCat(directory, "/.", base, ".XXXXXX");
  const int fd = mkostemp(temp_path.data(), O_CLOEXEC);
  if (fd < 0) return ErrnoError("cannot create a temporary file for", path, errno);

  absl::Status status = WriteAll(fd, bytes, temp_path);
  if (status.ok() && durability == Durability::kSynced && fsync(fd) != 0) status = ErrnoError("cannot fsync", temp_path, errno);
  if (close(fd) != 0 && status.ok()) status = ErrnoError("cannot close", temp_path, errno);
  if (status.ok() && rename(temp_path.c_str(), path.c_str()) != 0) {
    status = ErrnoError("cannot rename the report to", path, errno);
  }
  if (!status.ok()) {
    unlink(temp_path.c_str());
    return status;
  }
  // The directory is not fsync'ed: a crash of the app or of ddreport cannot lose a renamed
  // file, only a power loss could, and the app's own crash path should not pay for that.
  return absl::OkStatus();
}

}  // namespace ddcrash
