#include "report/scrubber.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ddcrash {

absl::StatusOr<Scrubber> Scrubber::Create(absl::string_view extra_pattern) {
  std::string pattern = absl::StrCat("(?i)(", kDefaultScrubPattern, ")");
  if (!extra_pattern.empty()) absl::StrAppend(&pattern, "|(?i)(", extra_pattern, ")");
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_shared<const RE2>(pattern, options);
  if (!re->ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid DDCRASH_SCRUB pattern \"", extra_pattern, "\": ", re->error()));
  }
  return Scrubber(std::move(re));
}

bool Scrubber::IsSecretName(absl::string_view name) const {
  return !name.empty() && RE2::PartialMatch(re2::StringPiece(name.data(), name.size()), *pattern_);
}

std::vector<std::string> Scrubber::ScrubEnvironment(
    const std::vector<std::string>& environment) const {
  std::vector<std::string> out;
  out.reserve(environment.size());
  for (const std::string& entry : environment) {
    const size_t eq = entry.find('=');
    if (eq != std::string::npos && IsSecretName(absl::string_view(entry).substr(0, eq))) {
      out.push_back(absl::StrCat(entry.substr(0, eq + 1), kScrubbedMarker));
    } else {
      out.push_back(ScrubUrlCredentials(entry));
    }
  }
  return out;
}

std::vector<std::string> Scrubber::ScrubCommandLine(const std::vector<std::string>& argv) const {
  std::vector<std::string> out;
  out.reserve(argv.size());
  bool next_is_secret = false;
  for (const std::string& arg : argv) {
    if (next_is_secret) {
      out.emplace_back(kScrubbedMarker);
      next_is_secret = false;
      continue;
    }
    absl::string_view name = arg;
    const bool is_option = !name.empty() && name[0] == '-';
    while (!name.empty() && name[0] == '-') name.remove_prefix(1);
    const size_t eq = name.find('=');
    if (eq != absl::string_view::npos) {
      if (IsSecretName(name.substr(0, eq))) {
        out.push_back(absl::StrCat(arg.substr(0, arg.size() - name.size() + eq + 1),
                                   kScrubbedMarker));
        continue;
      }
    } else if (is_option && IsSecretName(name)) {
      // "--password hunter2": the option is kept, its value is not.
      next_is_secret = true;
    }
    out.push_back(ScrubUrlCredentials(arg));
  }
  return out;
}

std::string Scrubber::ScrubUrlCredentials(absl::string_view arg) const {
  // scheme://user:password@host → scheme://user:[scrubbed]@host
  const size_t scheme_end = arg.find("://");
  if (scheme_end == absl::string_view::npos) return std::string(arg);
  const size_t authority = scheme_end + 3;
  const size_t at = arg.find('@', authority);
  const size_t slash = arg.find('/', authority);
  if (at == absl::string_view::npos || (slash != absl::string_view::npos && slash < at)) {
    return std::string(arg);
  }
  const size_t colon = arg.find(':', authority);
  if (colon == absl::string_view::npos || colon > at) return std::string(arg);
  return absl::StrCat(arg.substr(0, colon + 1), kScrubbedMarker, arg.substr(at));
}

}  // namespace ddcrash
