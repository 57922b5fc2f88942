#include "report/storage/report_retention.h"

#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <time.h>

#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace ddcrash {
namespace {

constexpr time_t kLeftoverAge = 10 * 60;

}  // namespace

absl::Status PruneReports(const std::string& directory, int keep) {
  if (keep < 0) keep = 0;
  DIR* dir = opendir(directory.c_str());
  if (dir == nullptr) {
    const int error = errno;
    return absl::Status(absl::ErrnoToStatusCode(error),
                        absl::StrCat("cannot list ", directory, ": ", strerror(error)));
  }
  std::vector<std::pair<struct timespec, std::string>> reports;
  const time_t now = time(nullptr);
  while (dirent* entry = readdir(dir)) {
    const std::string name = entry->d_name;
    const bool report = absl::StartsWith(name, "ddcrash.") && absl::EndsWith(name, ".pb");
    // The temporary file of a reporter killed while writing (report_writer's ".<name>.XXXXXX").
    const bool leftover = absl::StartsWith(name, ".ddcrash.");
    if (!report && !leftover) continue;
    struct stat st;
    const std::string path = absl::StrCat(directory, "/", name);
    if (lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if (report) {
      reports.emplace_back(st.st_mtim, path);
    } else if (now - st.st_mtim.tv_sec > kLeftoverAge) {
      // Old enough that no running reporter still writes it (a run lasts seconds).
      unlink(path.c_str());
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
  for (size_t i = 0; i < excess; ++i) unlink(reports[i].second.c_str());
  return absl::OkStatus();
}

}  // namespace ddcrash
