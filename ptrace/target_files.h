// The one place that turns a path a target process names (in /proc/PID/maps, beside its
// runtime) into a path ddreport can open. A target in another mount namespace (a container
// reported from the host or a sidecar) sees its own file system: its files are reached under
// /proc/PID/root, with every symbolic link followed as the target would follow it, inside that
// root (an absolute link in a container names a container file, never one of ours). A target
// sharing our root is read at its own paths, as before.
#ifndef DDCRASH_PTRACE_TARGET_FILES_H_
#define DDCRASH_PTRACE_TARGET_FILES_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace ddcrash {

// A path resolved inside a root: `root` + `in_root` opens it, and no component of `in_root`
// is a symbolic link, so what the path names can change only by someone able to write the
// directories along it (dac/trusted_file.h checks who that is).
struct ResolvedPath {
  std::string root;     // "" (our own root) or a directory standing for "/", e.g. /proc/PID/root
  std::string in_root;  // absolute, normalised, as the target names it
  std::string openable() const { return root + in_root; }
  // root + prefix of in_root: the entry to check for `prefix` ("/" is the root itself).
  std::string Entry(std::string_view prefix) const;
};

class TargetFiles {
 public:
  // Our own view of the file system.
  static TargetFiles Local() { return TargetFiles(""); }
  // The view of process `pid`: /proc/PID/root when its mount namespace or root is not ours,
  // else Local(). A process we cannot inspect (no access to it) is taken as sharing ours.
  static TargetFiles Of(pid_t pid);
  static TargetFiles Of(std::optional<pid_t> pid) { return pid ? Of(*pid) : Local(); }
  // A directory standing for the target's "/" (tests; /proc/PID/root in Of()).
  static TargetFiles UnderRoot(std::string root) { return TargetFiles(std::move(root)); }

  // True when the target's files are reached through another root than ours.
  bool foreign() const { return !root_.empty(); }
  const std::string& root() const { return root_; }

  // `path` (absolute, as the target names it) with every symbolic link followed inside the
  // root: ".." and absolute link targets never leave it. NotFound when a component does not
  // exist, InvalidArgument for a relative path or too many links, the errno otherwise.
  absl::StatusOr<ResolvedPath> Resolve(std::string_view path) const;

  // A path we can open for the target's `path`: the path itself in our own view (the kernel
  // resolves it as the target would), else Resolve(path)->openable(). Errors as Resolve.
  absl::StatusOr<std::string> Openable(std::string_view path) const;

 private:
  explicit TargetFiles(std::string root) : root_(std::move(root)) {}
  std::string root_;
};

}  // namespace ddcrash

#endif  // DDCRASH_PTRACE_TARGET_FILES_H_
