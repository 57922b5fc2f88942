#include "dac/trusted_file.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/stat.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ddcrash::dac {
namespace {

absl::Status CheckOne(const std::string& path, const struct stat& st, uid_t trusted_uid) {
  if (st.st_uid != 0 && st.st_uid != trusted_uid) {
    return absl::PermissionDeniedError(absl::StrFormat(
        "%s is owned by uid %d, neither root nor uid %d", path, st.st_uid, trusted_uid));
  }
  const bool directory = S_ISDIR(st.st_mode);
  if ((st.st_mode & S_IWOTH) != 0 && !(directory && (st.st_mode & S_ISVTX) != 0)) {
    return absl::PermissionDeniedError(absl::StrFormat("%s is writable by others", path));
  }
  if ((st.st_mode & S_IWGRP) != 0 && st.st_gid != 0) {
    return absl::PermissionDeniedError(
        absl::StrFormat("%s is writable by group %d", path, st.st_gid));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> CheckTrustedFile(const std::string& path, uid_t trusted_uid,
                                             const TargetFiles& files) {
  std::string absolute = path;
  if (!files.foreign() && (path.empty() || path[0] != '/')) {
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof(cwd)) == nullptr) {
      return absl::ErrnoToStatus(errno, absl::StrCat("cannot resolve ", path));
    }
    absolute = absl::StrCat(cwd, "/", path);
  }
  absl::StatusOr<ResolvedPath> resolved = files.Resolve(absolute);
  if (!resolved.ok()) return resolved.status();
  const std::string real = resolved->openable();
  struct stat st;
  if (lstat(real.c_str(), &st) != 0) return absl::ErrnoToStatus(errno, real);
  if (!S_ISREG(st.st_mode)) {
    return absl::PermissionDeniedError(absl::StrCat(real, " is not a regular file"));
  }
  if (absl::Status file = CheckOne(real, st, trusted_uid); !file.ok()) return file;
  // Every directory from the file's own up to the root.
  const std::string& in_root = resolved->in_root;
  for (size_t slash = in_root.find_last_of('/'); slash != std::string::npos;
       slash = slash == 0 ? std::string::npos : in_root.find_last_of('/', slash - 1)) {
    const std::string dir = resolved->Entry(slash == 0 ? "/" : in_root.substr(0, slash));
    // The root entry may be the /proc/PID/root link, which must be followed; no other is a link.
    const int failed = slash == 0 ? stat(dir.c_str(), &st) : lstat(dir.c_str(), &st);
    if (failed != 0) return absl::ErrnoToStatus(errno, dir);
    if (!S_ISDIR(st.st_mode)) {
      return absl::PermissionDeniedError(absl::StrCat(dir, " is not a directory"));
    }
    if (absl::Status d = CheckOne(dir, st, trusted_uid); !d.ok()) return d;
  }
  return real;
}

absl::Status CheckTrustedFile(const std::string& path, uid_t trusted_uid) {
  return CheckTrustedFile(path, trusted_uid, TargetFiles::Local()).status();
}

}  // namespace ddcrash::dac
