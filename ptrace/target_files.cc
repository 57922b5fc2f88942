#include "ptrace/target_files.h"

#include <errno.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <deque>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace ddcrash {
namespace {

// As the kernel's path walk (MAXSYMLINKS).
constexpr int kMaxLinks = 40;

void PushFront(std::deque<std::string>& todo, std::string_view path) {
  std::vector<std::string> parts = absl::StrSplit(absl::string_view(path.data(), path.size()), '/', absl::SkipEmpty());
  todo.insert(todo.begin(), parts.begin(), parts.end());
}

}  // namespace

std::string ResolvedPath::Entry(std::string_view prefix) const {
  if (prefix == "/") return root.empty() ? "/" : absl::StrCat(root, "/");
  return absl::StrCat(root, std::string(prefix));
}

// Whether `a` and `b` (followed) are the same object; false when either cannot be inspected.
bool SameObject(const std::string& a, const char* b) {
  struct stat sa, sb;
  return stat(a.c_str(), &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

TargetFiles TargetFiles::Of(pid_t pid) {
  const std::string proc = absl::StrCat("/proc/", pid);
  // Our view is the target's only with the same mount namespace (a private /tmp keeps the
  // root directory) and the same root (chroot keeps the namespace). The trailing slash follows
  // the root link to the directory itself. Uninspectable: taken as ours.
  struct stat st;
  if (stat(absl::StrCat(proc, "/root/").c_str(), &st) != 0) return Local();
  if (SameObject(absl::StrCat(proc, "/ns/mnt"), "/proc/self/ns/mnt") &&
      SameObject(absl::StrCat(proc, "/root/"), "/")) {
    return Local();
  }
  return TargetFiles(absl::StrCat(proc, "/root"));
}

absl::StatusOr<ResolvedPath> TargetFiles::Resolve(std::string_view path) const {
  if (path.empty() || path[0] != '/') {
    return absl::InvalidArgumentError(absl::StrCat("not an absolute path: '", std::string(path), "'"));
  }
  std::vector<std::string> done;
  std::deque<std::string> todo;
  PushFront(todo, path);
  int links = 0;
  while (!todo.empty()) {
    std::string part = std::move(todo.front());
    todo.pop_front();
    if (part == ".") continue;
    if (part == "..") {
      if (!done.empty()) done.pop_back();  // ".." of the root is the root
      continue;
    }
    const std::string entry = absl::StrCat(root_, "/", absl::StrJoin(done, "/"),
                                           done.empty() ? "" : "/", part);
    struct stat st;
    if (lstat(entry.c_str(), &st) != 0) {
      const int error = errno;
      return absl::ErrnoToStatus(error, absl::StrCat("cannot resolve ", std::string(path), " in ",
                                                     root_.empty() ? "/" : root_, ": ", entry));
    }
    if (S_ISLNK(st.st_mode)) {
      if (++links > kMaxLinks) {
        return absl::InvalidArgumentError(
            absl::StrCat("cannot resolve ", std::string(path), ": more than ", kMaxLinks, " symbolic links"));
      }
      char target[PATH_MAX];
      const ssize_t n = readlink(entry.c_str(), target, sizeof(target));
      if (n < 0 || static_cast<size_t>(n) >= sizeof(target)) {
        return absl::ErrnoToStatus(n < 0 ? errno : ENAMETOOLONG,
                                   absl::StrCat("cannot read the link ", entry));
      }
      const std::string_view link(target, static_cast<size_t>(n));
      if (!link.empty() && link[0] == '/') done.clear();  // absolute: from the target's root
      PushFront(todo, link);
      continue;
    }
    if (!todo.empty() && !S_ISDIR(st.st_mode)) {
      return absl::ErrnoToStatus(ENOTDIR, absl::StrCat("cannot resolve ", std::string(path), ": ", entry));
    }
    done.push_back(std::move(part));
  }
  ResolvedPath resolved;
  resolved.root = root_;
  resolved.in_root = absl::StrCat("/", absl::StrJoin(done, "/"));
  return resolved;
}

absl::StatusOr<std::string> TargetFiles::Openable(std::string_view path) const {
  if (!foreign()) return std::string(path);
  absl::StatusOr<ResolvedPath> resolved = Resolve(path);
  if (!resolved.ok()) return resolved.status();
  return resolved->openable();
}

}  // namespace ddcrash
