#include "report/storage/report_retention.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "report/report.pb.h"
#include "report/schema.h"
#include "report/storage/report_path.h"

namespace ddcrash {
namespace {

constexpr time_t kLeftoverAge = 10 * 60;
// Enough for a report's two leading varint fields (tag + at most 5 bytes each) and for the
// start of an OTLP spool record.
constexpr size_t kHeaderBytes = 32;

// A varint of at most 5 bytes at `*pos`; nullopt if cut or longer.
std::optional<uint32_t> ReadVarint(absl::string_view bytes, size_t* pos) {
  uint64_t value = 0;
  for (int shift = 0; shift < 35 && *pos < bytes.size(); shift += 7) {
    const uint8_t byte = static_cast<uint8_t>(bytes[(*pos)++]);
    value |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      if (value > UINT32_MAX) return std::nullopt;
      return static_cast<uint32_t>(value);
    }
  }
  return std::nullopt;
}

bool OwnRegularFile(const struct stat& st) {
  return S_ISREG(st.st_mode) && st.st_uid == geteuid();
}

// Opens `name` without following it or blocking on it, and reads its first bytes: true when
// it is still our regular file and its first bytes pass `looks_like`.
bool IsOurFile(int dir_fd, const char* name,
               const std::function<bool(absl::string_view prefix)>& looks_like) {
  const int fd = openat(dir_fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st;
  char prefix[kHeaderBytes];
  ssize_t n = -1;
  if (fstat(fd, &st) == 0 && OwnRegularFile(st)) {
    do {
      n = read(fd, prefix, sizeof(prefix));
    } while (n < 0 && errno == EINTR);
  }
  close(fd);
  return n > 0 && looks_like(absl::string_view(prefix, static_cast<size_t>(n)));
}

}  // namespace

bool LooksLikeReport(absl::string_view prefix) {
  size_t pos = 0;
  std::optional<uint32_t> tag = ReadVarint(prefix, &pos);
  if (tag != ((1u << 3) | 0)) return false;
  std::optional<uint32_t> version = ReadVarint(prefix, &pos);
  if (!version || *version == 0 || *version > kSchemaVersion) return false;
  tag = ReadVarint(prefix, &pos);
  if (tag != ((2u << 3) | 0)) return false;
  std::optional<uint32_t> trigger = ReadVarint(prefix, &pos);
  return trigger && *trigger != TRIGGER_UNSPECIFIED &&
         Trigger_IsValid(static_cast<int>(*trigger));
}

absl::Status PruneReports(int dir_fd, absl::string_view exe_name, int keep) {
  return PruneReportNamedFiles(dir_fd, exe_name, keep, ".pb", LooksLikeReport);
}

absl::Status PruneReportNamedFiles(int dir_fd, absl::string_view exe_name, int keep,
                                   absl::string_view extension,
                                   const std::function<bool(absl::string_view prefix)>& looks_like) {
  if (keep < 0) keep = 0;
  // fdopendir takes the descriptor it is given: list through a duplicate.
  const int list_fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR* dir = list_fd < 0 ? nullptr : fdopendir(list_fd);
  if (dir == nullptr) {
    const int error = errno;
    if (list_fd >= 0) close(list_fd);
    return absl::Status(absl::ErrnoToStatusCode(error),
                        absl::StrCat("cannot list the report directory: ", strerror(error)));
  }
  std::vector<std::pair<struct timespec, std::string>> reports;
  const time_t now = time(nullptr);
  while (dirent* entry = readdir(dir)) {
    const std::string name = entry->d_name;
    absl::string_view stem = name;
    std::optional<ReportFileNameParts> parts =
        absl::ConsumeSuffix(&stem, extension) ? ParseReportFileName(absl::StrCat(stem, ".pb"))
                                              : std::nullopt;
    const bool report = parts.has_value() && parts->exe == exe_name;
    // The temporary file of a reporter killed while writing (report_writer's ".<name>.XXXXXX").
    const bool leftover = absl::StartsWith(name, ".ddcrash.");
    if (!report && !leftover) continue;
    struct stat st;
    if (fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !OwnRegularFile(st)) {
      continue;
    }
    if (report) {
      if (IsOurFile(dir_fd, name.c_str(), looks_like)) reports.emplace_back(st.st_mtim, name);
    } else if (now - st.st_mtim.tv_sec > kLeftoverAge) {
      // Old enough that no running reporter still writes it (a run lasts seconds).
      unlinkat(dir_fd, name.c_str(), 0);
    }
  }
  closedir(dir);
  if (reports.size() <= static_cast<size_t>(keep)) return absl::OkStatus();
  std::sort(reports.begin(), reports.end(), [](const auto& a, const auto& b) {
    if (a.first.tv_sec != b.first.tv_sec) return a.first.tv_sec < b.first.tv_sec;
    if (a.first.tv_nsec != b.first.tv_nsec) return a.first.tv_nsec < b.first.tv_nsec;
    return a.second < b.second;
  });
  const size_t excess = reports.size() - static_cast<size_t>(keep);
  // The directory is writable by this user only, so no one else can swap a name checked
  // above for another file before it is unlinked (and unlinkat never follows a symlink).
  for (size_t i = 0; i < excess; ++i) unlinkat(dir_fd, reports[i].second.c_str(), 0);
  return absl::OkStatus();
}

}  // namespace ddcrash
