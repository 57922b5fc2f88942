#include "symbolize/local_sources.h"

#include <sys/stat.h>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace ddcrash {
namespace {

bool IsLowerHex(absl::string_view text) {
  for (char c : text) {
    if (!absl::ascii_isdigit(c) && !(c >= 'a' && c <= 'f')) return false;
  }
  return !text.empty();
}

std::string Join(absl::string_view root, absl::string_view relative) {
  return absl::EndsWith(root, "/") ? absl::StrCat(root, relative) : absl::StrCat(root, "/", relative);
}

absl::StatusOr<FoundDebugFile> IfRegularFile(std::string path, absl::string_view kind) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return absl::NotFoundError(absl::StrCat("no ", path));
  }
  FoundDebugFile found;
  found.origin = absl::StrCat(kind, " ", path);
  found.path = std::move(path);
  return found;
}

}  // namespace

std::string SsqpKey(const DebugFileQuery& query) {
  const absl::string_view name = query.file_name;
  if (!IsLowerHex(query.build_id) || name.empty() || name == "." || name == ".." ||
      absl::StrContains(name, '/')) {
    return "";
  }
  // SSQP keys are lowercase (servers store them so).
  const std::string lower = absl::AsciiStrToLower(name);
  return absl::StrCat(lower, ".dbg/elf-buildid-sym-", query.build_id, "/", lower, ".dbg");
}

std::string BuildIdRelativePath(absl::string_view build_id) {
  if (build_id.size() < 4 || !IsLowerHex(build_id)) return "";
  return absl::StrCat(build_id.substr(0, 2), "/", build_id.substr(2), ".debug");
}

std::string BuildIdDirectorySource::Describe() const { return absl::StrCat("directory ", root_); }

absl::StatusOr<FoundDebugFile> BuildIdDirectorySource::Find(const DebugFileQuery& query) {
  const std::string relative = BuildIdRelativePath(query.build_id);
  if (relative.empty()) return absl::InvalidArgumentError("not a build id: " + query.build_id);
  return IfRegularFile(Join(root_, absl::StrCat(".build-id/", relative)), "directory");
}

std::string SsqpDirectorySource::Describe() const { return absl::StrCat("ssqp ", root_); }

absl::StatusOr<FoundDebugFile> SsqpDirectorySource::Find(const DebugFileQuery& query) {
  const std::string key = SsqpKey(query);
  if (key.empty()) return absl::InvalidArgumentError("no SSQP key for " + query.file_name);
  return IfRegularFile(Join(root_, key), "ssqp");
}

}  // namespace ddcrash
