#include "ptrace/process_info.h"

#include <limits.h>
#include <unistd.h>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "ptrace/internal/proc_files.h"

namespace ddcrash {
namespace {

using ptrace_internal::ReadProcFile;

// Bounds what a hostile environment or command line can make us hold.
constexpr size_t kMaxProcFileBytes = 4u << 20;

}  // namespace

std::vector<std::string> SplitNulSeparated(absl::string_view bytes) {
  std::vector<std::string> parts;
  if (bytes.empty()) return parts;
  if (bytes.back() == '\0') bytes.remove_suffix(1);
  for (absl::string_view part : absl::StrSplit(bytes, '\0')) parts.emplace_back(part);
  return parts;
}

pid_t ParentPidFromStat(absl::string_view stat) {
  // "pid (comm) state ppid ..."; comm may hold anything, so split after the last ')'.
  const size_t close = stat.rfind(')');
  if (close == absl::string_view::npos) return 0;
  std::vector<absl::string_view> fields =
      absl::StrSplit(stat.substr(close + 1), ' ', absl::SkipEmpty());
  int ppid = 0;
  if (fields.size() < 2 || !absl::SimpleAtoi(fields[1], &ppid)) return 0;
  return ppid;
}

absl::StatusOr<ProcessInfo> ReadProcessInfo(pid_t pid) {
  const std::string dir = absl::StrCat("/proc/", pid);
  absl::StatusOr<std::string> stat = ReadProcFile(dir + "/stat", kMaxProcFileBytes);
  if (!stat.ok()) {
    if (absl::IsNotFound(stat.status())) {
      return absl::NotFoundError(absl::StrCat("no process ", pid));
    }
    return stat.status();
  }
  ProcessInfo info;
  info.pid = pid;
  info.ppid = ParentPidFromStat(*stat);
  char exe[PATH_MAX];
  const ssize_t exe_length = readlink((dir + "/exe").c_str(), exe, sizeof(exe) - 1);
  if (exe_length > 0) {
    absl::string_view path(exe, static_cast<size_t>(exe_length));
    absl::ConsumeSuffix(&path, " (deleted)");
    info.exe = std::string(path);
  }
  if (absl::StatusOr<std::string> comm = ReadProcFile(dir + "/comm", kMaxProcFileBytes); comm.ok()) {
    info.name = std::string(absl::StripTrailingAsciiWhitespace(*comm));
  }
  if (absl::StatusOr<std::string> cmdline = ReadProcFile(dir + "/cmdline", kMaxProcFileBytes); cmdline.ok()) {
    info.cmdline = SplitNulSeparated(*cmdline);
  }
  if (absl::StatusOr<std::string> environ = ReadProcFile(dir + "/environ", kMaxProcFileBytes); environ.ok()) {
    info.environment = SplitNulSeparated(*environ);
  }
  return info;
}

}  // namespace ddcrash
