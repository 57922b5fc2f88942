#include "symbolize/symbol_cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace ddcrash {
namespace {

absl::Status MakeDirectories(const std::string& path) {
  std::string prefix = path[0] == '/' ? "" : ".";
  for (absl::string_view part : absl::StrSplit(path, '/', absl::SkipEmpty())) {
    absl::StrAppend(&prefix, "/", part);
    if (mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) {
      return absl::InternalError(absl::StrCat("cannot create ", prefix, ": ", strerror(errno)));
    }
  }
  return absl::OkStatus();
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
  return absl::StrCat("/tmp/ddcrash-symbols-", geteuid());
}

absl::StatusOr<std::string> SymbolCache::Subdirectory(const std::string& name) {
  const std::string path = absl::StrCat(directory_, "/", name);
  if (absl::Status status = MakeDirectories(path); !status.ok()) return status;
  return path;
}

absl::StatusOr<std::string> SymbolCache::Get(const std::string& key,
                                             const std::function<absl::Status(int fd)>& fetch) {
  for (absl::string_view part : absl::StrSplit(key, '/')) {
    if (part.empty() || part == "." || part == "..") {
      return absl::InvalidArgumentError(absl::StrCat("bad cache key: ", key));
    }
  }
  const std::string path = absl::StrCat(directory_, "/", key);
  struct stat st;
  if (lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) return path;
  const std::string parent = path.substr(0, path.rfind('/'));
  if (absl::Status status = MakeDirectories(parent); !status.ok()) return status;
  const std::string temp = absl::StrCat(path, ".part.", getpid());
  const int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return absl::InternalError(absl::StrCat("cannot create ", temp, ": ", strerror(errno)));
  absl::Status status = fetch(fd);
  if (close(fd) != 0 && status.ok()) {
    status = absl::InternalError(absl::StrCat("cannot write ", temp, ": ", strerror(errno)));
  }
  if (status.ok() && rename(temp.c_str(), path.c_str()) != 0) {
    status = absl::InternalError(absl::StrCat("cannot rename ", temp, ": ", strerror(errno)));
  }
  if (!status.ok()) {
    unlink(temp.c_str());
    return status;
  }
  return path;
}

}  // namespace ddcrash
