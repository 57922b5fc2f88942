#include "symbolize/symbol_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "report/storage/report_path.h"

namespace ddcrash {
namespace {

absl::Status ErrnoError(absl::string_view what, absl::string_view path, int error) {
  return absl::ErrnoToStatus(error, absl::StrCat(what, " ", path));
}

// The rule of OpenReportDirectory, for descriptors opened below the root.
absl::Status CheckOwned(int fd, const std::string& path, bool directory) {
  struct stat st;
  if (fstat(fd, &st) != 0) return ErrnoError("cannot stat", path, errno);
  if (directory ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("refusing ", path, ": not a ", directory ? "directory" : "regular file"));
  }
  if (st.st_uid != geteuid()) {
    return absl::FailedPreconditionError(
        absl::StrCat("refusing ", path, ": owned by uid ", st.st_uid, ", not by this user"));
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "refusing %s: writable by group or others (mode %04o)", path, st.st_mode & 07777));
  }
  return absl::OkStatus();
}

absl::Status CheckKey(const std::string& key) {
  for (absl::string_view part : absl::StrSplit(key, '/')) {
    if (part.empty() || part == "." || part == "..") {
      return absl::InvalidArgumentError(absl::StrCat("bad cache key: ", key));
    }
  }
  return absl::OkStatus();
}

int RemoveEntry(const char* path, const struct stat*, int type, struct FTW*) {
  return type == FTW_DP ? rmdir(path) : unlink(path);
}

}  // namespace

std::string DefaultSymbolCacheDirectory() {
  if (const char* dir = getenv("DDCRASH_SYMBOL_CACHE"); dir != nullptr && dir[0] != '\0') return dir;
  if (const char* xdg = getenv("XDG_CACHE_HOME"); xdg != nullptr && xdg[0] == '/') {
    return absl::StrCat(xdg, "/ddcrash/symbols");
  }
  if (const char* home = getenv("HOME"); home != nullptr && home[0] == '/') {
    return absl::StrCat(home, "/.cache/ddcrash/symbols");
  }
  return "";
}

SymbolCache::SymbolCache(std::string directory)
    : directory_(std::move(directory)), persistent_(!directory_.empty()) {}

SymbolCache::~SymbolCache() {
  // Only the private directory this object made (mkdtemp), never a user's cache.
  if (!persistent_ && !directory_.empty()) {
    nftw(directory_.c_str(), RemoveEntry, 16, FTW_DEPTH | FTW_PHYS);
  }
}

absl::StatusOr<int> SymbolCache::OpenRoot() {
  if (!persistent_ && directory_.empty()) {
    const char* tmp = getenv("TMPDIR");
    std::string pattern =
        absl::StrCat(tmp != nullptr && tmp[0] == '/' ? tmp : "/tmp", "/ddcrash-symbols.XXXXXX");
    if (mkdtemp(pattern.data()) == nullptr) {
      return ErrnoError("cannot create a download directory", pattern, errno);
    }
    directory_ = pattern;
  }
  return OpenReportDirectory(directory_);
}

absl::StatusOr<int> SymbolCache::OpenDirectory(const std::string& relative) {
  absl::StatusOr<int> fd = OpenRoot();
  if (!fd.ok()) return fd.status();
  std::string path = directory_;
  for (absl::string_view part : absl::StrSplit(relative, '/', absl::SkipEmpty())) {
    const std::string name(part);
    absl::StrAppend(&path, "/", name);
    if (mkdirat(*fd, name.c_str(), 0700) != 0 && errno != EEXIST) {
      const int error = errno;
      close(*fd);
      return ErrnoError("cannot create", path, error);
    }
    const int next = openat(*fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    const int error = errno;
    close(*fd);
    if (next < 0) return ErrnoError("cannot open directory (a symlink is refused)", path, error);
    if (absl::Status status = CheckOwned(next, path, /*directory=*/true); !status.ok()) {
      close(next);
      return status;
    }
    fd = next;
  }
  return fd;
}

absl::StatusOr<std::string> SymbolCache::Subdirectory(const std::string& name) {
  if (absl::Status status = CheckKey(name); !status.ok()) return status;
  absl::StatusOr<int> fd = OpenDirectory(name);
  if (!fd.ok()) return fd.status();
  close(*fd);
  return absl::StrCat(directory_, "/", name);
}

absl::StatusOr<std::string> SymbolCache::Get(
    const std::string& key, const std::function<absl::Status(int fd)>& fetch,
    const std::function<absl::Status(const std::string& path)>& verify) {
  if (absl::Status status = CheckKey(key); !status.ok()) return status;
  const size_t slash = key.rfind('/');
  const std::string parent_key = slash == std::string::npos ? "" : key.substr(0, slash);
  const std::string name = slash == std::string::npos ? key : key.substr(slash + 1);
  absl::StatusOr<int> parent = OpenDirectory(parent_key);
  if (!parent.ok()) return parent.status();
  const std::string path = absl::StrCat(directory_, "/", key);

  // A cached entry: a regular file of ours (nothing followed) that still verifies.
  if (const int cached = openat(*parent, name.c_str(),
                                O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
      cached >= 0 || errno != ENOENT) {
    absl::Status status = cached >= 0 ? CheckOwned(cached, path, /*directory=*/false)
                                      : ErrnoError("cannot open cached", path, errno);
    if (cached >= 0) close(cached);
    if (status.ok()) status = verify(path);
    if (status.ok()) {
      close(*parent);
      return path;
    }
    // Whatever it is (a cut download of an older version, a file that is not ours), it is
    // removed so that the key is fetched again; a directory under the name stays and fails below.
    unlinkat(*parent, name.c_str(), 0);
  }

  const std::string temp_name = absl::StrCat(".", name, ".part.", getpid());
  const std::string temp = absl::StrCat(path.substr(0, path.size() - name.size()), temp_name);
  unlinkat(*parent, temp_name.c_str(), 0);  // a leftover of a killed run with the same pid
  const int fd = openat(*parent, temp_name.c_str(),
                        O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    const int error = errno;
    close(*parent);
    return ErrnoError("cannot create", temp, error);
  }
  absl::Status status = fetch(fd);
  if (close(fd) != 0 && status.ok()) status = ErrnoError("cannot write", temp, errno);
  if (status.ok()) status = verify(temp);
  if (status.ok() && renameat(*parent, temp_name.c_str(), *parent, name.c_str()) != 0) {
    status = ErrnoError("cannot rename", temp, errno);
  }
  if (!status.ok()) unlinkat(*parent, temp_name.c_str(), 0);
  close(*parent);
  if (!status.ok()) return status;
  return path;
}

}  // namespace ddcrash
