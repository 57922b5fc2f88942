#include "report/report_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/io/zero_copy_stream_impl.h"

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

// The temporary name's suffix; any value works (O_EXCL retries on a clash), so a failed
// getrandom just leaves a clash more likely.
uint32_t RandomSuffix() {
  uint32_t value = 0;
  if (getrandom(&value, sizeof(value), GRND_NONBLOCK) != sizeof(value)) {
    value = static_cast<uint32_t>(getpid()) * 2654435761u;
  }
  return value & 0xffffff;
}

// Creates a temporary file in `dir_fd`, has `write` fill it, then (fsync'ed when asked)
// renames it to `name`; the temporary file is removed on any failure.
absl::Status WriteAtomicallyAt(
    int dir_fd, const std::string& name, const std::string& shown_path, Durability durability,
    absl::FunctionRef<absl::Status(int fd, const std::string& temp_path)> write) {
  // The temporary name starts with '.' so report directory listings and retention ignore it.
  std::string temp_name;
  int fd = -1;
  for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
    temp_name = absl::StrFormat(".%s.%06x", name, RandomSuffix());
    fd = openat(dir_fd, temp_name.c_str(),
                O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) return ErrnoError("cannot create a temporary file for", shown_path, errno);
  const std::string temp_path = absl::StrCat(DirectoryOf(shown_path), "/", temp_name);

  absl::Status status = write(fd, temp_path);
  if (status.ok() && durability == Durability::kSynced && fsync(fd) != 0) {
    status = ErrnoError("cannot fsync", temp_path, errno);
  }
  if (close(fd) != 0 && status.ok()) status = ErrnoError("cannot close", temp_path, errno);
  if (status.ok() && renameat(dir_fd, temp_name.c_str(), dir_fd, name.c_str()) != 0) {
    status = ErrnoError("cannot rename the file to", shown_path, errno);
  }
  if (!status.ok()) {
    unlinkat(dir_fd, temp_name.c_str(), 0);
    return status;
  }
  // The directory is not fsync'ed: a crash of the app or of ddreport cannot lose a renamed
  // file, only a power loss could, and the app's own crash path should not pay for that.
  return absl::OkStatus();
}

}  // namespace

absl::Status WriteReportAtomically(const Report& report, const std::string& path,
                                   Durability durability) {
  const std::string directory = DirectoryOf(path);
  const int dir_fd = open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return ErrnoError("cannot create a temporary file for", path, errno);
  absl::Status status =
      WriteReportAtomicallyAt(report, dir_fd, path.substr(path.rfind('/') + 1), path, durability);
  close(dir_fd);
  return status;
}

absl::Status WriteReportAtomicallyAt(const Report& report, int dir_fd, const std::string& name,
                                     const std::string& shown_path, Durability durability) {
  // Streamed to the file: no serialized copy of a report of thousands of threads is held.
  return WriteAtomicallyAt(dir_fd, name, shown_path, durability,
                           [&](int fd, const std::string& temp_path) {
                             google::protobuf::io::FileOutputStream out(fd, 1 << 16);
                             if (!report.SerializeToZeroCopyStream(&out) || !out.Flush()) {
                               return out.GetErrno() != 0
                                          ? ErrnoError("cannot write", temp_path, out.GetErrno())
                                          : absl::InternalError("cannot serialize the report");
                             }
                             return absl::OkStatus();
                           });
}

absl::Status WriteFileAtomicallyAt(const std::string& bytes, int dir_fd, const std::string& name,
                                   const std::string& shown_path, Durability durability) {
  return WriteAtomicallyAt(dir_fd, name, shown_path, durability,
                           [&](int fd, const std::string& temp_path) {
                             return WriteAll(fd, bytes, temp_path);
                           });
}

}  // namespace ddcrash
