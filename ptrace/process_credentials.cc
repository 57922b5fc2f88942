#include "ptrace/process_credentials.h"

#include <unistd.h>

#include <algorithm>
#include <optional>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "ptrace/internal/proc_files.h"

namespace ddcrash {
namespace {

// The value of the line "<key>:\t..." in `status`, or nullopt.
std::optional<absl::string_view> Field(absl::string_view status, absl::string_view key) {
  for (absl::string_view line : absl::StrSplit(status, '\n')) {
    if (absl::ConsumePrefix(&line, key) && absl::ConsumePrefix(&line, ":")) return line;
  }
  return std::nullopt;
}

// Splits a whitespace-separated list of ids; false on anything that is not a 32-bit number.
bool ParseIds(absl::string_view text, size_t max, std::vector<uint32_t>* ids) {
  for (absl::string_view word : absl::StrSplit(text, absl::ByAnyChar(" \t"), absl::SkipEmpty())) {
    uint32_t id = 0;
    if (ids->size() >= max || !absl::SimpleAtoi(word, &id)) return false;
    ids->push_back(id);
  }
  return true;
}

void SortUnique(std::vector<gid_t>* groups) {
  std::sort(groups->begin(), groups->end());
  groups->erase(std::unique(groups->begin(), groups->end()), groups->end());
}

}  // namespace

absl::StatusOr<ProcessCredentials> ParseStatusCredentials(absl::string_view status) {
  ProcessCredentials credentials;
  // "Uid:" and "Gid:" list real, effective, saved and filesystem ids.
  for (auto [key, out] : {std::pair<absl::string_view, uint32_t*>{"Uid", &credentials.uid},
                          std::pair<absl::string_view, uint32_t*>{"Gid", &credentials.gid}}) {
    std::optional<absl::string_view> line = Field(status, key);
    std::vector<uint32_t> ids;
    if (!line || !ParseIds(*line, 4, &ids) || ids.size() != 4) {
      return absl::InvalidArgumentError(absl::StrCat("no valid \"", key, ":\" line in the status"));
    }
    *out = ids[1];
  }
  std::optional<absl::string_view> groups = Field(status, "Groups");
  std::vector<uint32_t> ids;
  if (!groups || !ParseIds(*groups, kMaxSupplementaryGroups, &ids)) {
    return absl::InvalidArgumentError("no valid \"Groups:\" line in the status");
  }
  credentials.groups.assign(ids.begin(), ids.end());
  SortUnique(&credentials.groups);
  return credentials;
}

absl::StatusOr<ProcessCredentials> ReadProcessCredentials(pid_t pid) {
  absl::StatusOr<std::string> status =
      ptrace_internal::ReadProcFile(absl::StrFormat("/proc/%d/status", pid));
  if (!status.ok()) return status.status();
  absl::StatusOr<ProcessCredentials> credentials = ParseStatusCredentials(*status);
  if (!credentials.ok()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("/proc/%d/status: %s", pid, credentials.status().message()));
  }
  return credentials;
}

ProcessCredentials CurrentCredentials() {
  ProcessCredentials credentials;
  credentials.uid = geteuid();
  credentials.gid = getegid();
  int n = getgroups(0, nullptr);
  if (n > 0) {
    credentials.groups.resize(static_cast<size_t>(n));
    n = getgroups(n, credentials.groups.data());
    credentials.groups.resize(n > 0 ? static_cast<size_t>(n) : 0);
  }
  SortUnique(&credentials.groups);
  return credentials;
}

}  // namespace ddcrash
