#include "report/storage/report_path.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"

namespace ddcrash {
namespace {

bool IsNameChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
}

// FNV-1a: stable across runs and builds, which the per-executable count relies on.
uint32_t NameHash(absl::string_view text) {
  uint32_t hash = 2166136261u;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 16777619u;
  }
  return hash;
}

absl::Status ErrnoError(absl::string_view what, absl::string_view path, int error) {
  return absl::Status(absl::ErrnoToStatusCode(error),
                      absl::StrCat(what, " ", path, ": ", strerror(error)));
}

}  // namespace

std::string ExeNameForFile(absl::string_view exe) {
  const size_t slash = exe.rfind('/');
  std::string name(slash == absl::string_view::npos ? exe : exe.substr(slash + 1));
  for (char& c : name) {
    if (!IsNameChar(c)) c = '_';
  }
  if (name.empty() || name == "." || name == "..") name = "unknown";
  if (name.size() > kMaxExeNameInFileName) {
    const std::string hash = absl::StrFormat("-%08x", NameHash(name));
    name = absl::StrCat(name.substr(0, kMaxExeNameInFileName - hash.size()), hash);
  }
  return name;
}

std::string ReportFileName(absl::string_view exe, pid_t pid, absl::Time time) {
  return absl::StrCat("ddcrash.", ExeNameForFile(exe), ".", pid, ".", absl::ToUnixSeconds(time),
                      ".pb");
}

std::optional<ReportFileNameParts> ParseReportFileName(absl::string_view name) {
  if (!absl::ConsumePrefix(&name, "ddcrash.") || !absl::ConsumeSuffix(&name, ".pb")) {
    return std::nullopt;
  }
  const size_t time_dot = name.rfind('.');
  if (time_dot == absl::string_view::npos) return std::nullopt;
  const size_t pid_dot = name.rfind('.', time_dot == 0 ? 0 : time_dot - 1);
  if (pid_dot == absl::string_view::npos || pid_dot >= time_dot) return std::nullopt;
  const absl::string_view exe = name.substr(0, pid_dot);
  const absl::string_view pid = name.substr(pid_dot + 1, time_dot - pid_dot - 1);
  const absl::string_view time = name.substr(time_dot + 1);
  // Decimal as StrCat writes it: no sign, no leading zero.
  auto digits = [](absl::string_view text) {
    if (text.empty() || text.size() > 18 || (text.size() > 1 && text[0] == '0')) return false;
    for (char c : text) {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
    }
    return true;
  };
  if (exe.empty() || exe == "." || exe == ".." || exe.size() > kMaxExeNameInFileName ||
      !digits(pid) || !digits(time)) {
    return std::nullopt;
  }
  for (char c : exe) {
    if (!IsNameChar(c)) return std::nullopt;
  }
  ReportFileNameParts parts;
  parts.exe = std::string(exe);
  int64_t pid_value = 0;
  if (!absl::SimpleAtoi(pid, &pid_value) || pid_value <= 0 || pid_value > INT32_MAX ||
      !absl::SimpleAtoi(time, &parts.unix_seconds)) {
    return std::nullopt;
  }
  parts.pid = static_cast<pid_t>(pid_value);
  return parts;
}

std::string DefaultReportDirectory() { return absl::StrCat("/tmp/ddcrash-", geteuid()); }

absl::StatusOr<int> OpenReportDirectory(const std::string& directory) {
  if (directory.empty()) return absl::InvalidArgumentError("empty report directory");
  for (size_t i = 1; i <= directory.size(); ++i) {
    if (i != directory.size() && directory[i] != '/') continue;
    const std::string prefix = directory.substr(0, i);
    if (mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST) {
      return ErrnoError("cannot create report directory", prefix, errno);
    }
  }
  // Whatever mkdir found or made, only the descriptor's own fstat decides: a name swapped
  // between the two calls is either refused here or is the directory checked.
  const int fd = open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    // With O_DIRECTORY a final symlink fails as ENOTDIR (ELOOP without it); lstat only
    // chooses the message.
    struct stat link;
    if (error == ELOOP || (error == ENOTDIR && lstat(directory.c_str(), &link) == 0 &&
                           S_ISLNK(link.st_mode))) {
      return absl::FailedPreconditionError(absl::StrCat(
          "refusing report directory ", directory, ": it is a symbolic link"));
    }
    if (error == ENOTDIR) {
      return absl::FailedPreconditionError(absl::StrCat(directory, " is not a directory"));
    }
    return ErrnoError("cannot open report directory", directory, error);
  }
  struct stat st;
  std::string refused;
  if (fstat(fd, &st) != 0) {
    refused = absl::StrCat("cannot stat it: ", strerror(errno));
  } else if (st.st_uid != geteuid()) {
    refused = absl::StrCat("it is owned by uid ", st.st_uid, ", not by this user (uid ",
                           geteuid(), ")");
  } else if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    refused = absl::StrFormat("it is writable by group or others (mode %04o)",
                              st.st_mode & 07777);
  }
  if (!refused.empty()) {
    close(fd);
    return absl::FailedPreconditionError(
        absl::StrCat("refusing report directory ", directory, ": ", refused));
  }
  return fd;
}

}  // namespace ddcrash
