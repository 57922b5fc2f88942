// Keeps secrets out of reports: values of environment variables and command-line options whose
// names look secret are replaced by a marker before anything is stored.
#ifndef DDCRASH_REPORT_SCRUBBER_H_
#define DDCRASH_REPORT_SCRUBBER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "re2/re2.h"

namespace ddcrash {

inline constexpr absl::string_view kScrubbedMarker = "[scrubbed]";

// Case-insensitive RE2 matched (unanchored) against a variable or option name.
inline constexpr absl::string_view kDefaultScrubPattern =
    "key|secret|token|passw|pwd|credential|auth|connection_?string|connstr|private|"
    "session|cookie|signature|sas|dsn|cert";

class Scrubber {
 public:
  // `extra_pattern` (from DDCRASH_SCRUB) extends the default; empty adds nothing. Fails when
  // it is not a valid RE2.
  static absl::StatusOr<Scrubber> Create(absl::string_view extra_pattern);

  // True when a variable/option with this name must not have its value stored.
  bool IsSecretName(absl::string_view name) const;

  // "NAME=VALUE" entries; secret values become the marker.
  std::vector<std::string> ScrubEnvironment(const std::vector<std::string>& environment) const;

  // argv: "--name=value", "--name value", "-name value", "name=value" forms; secret values
  // become the marker. URLs with credentials ("scheme://user:pass@host") lose the password.
  std::vector<std::string> ScrubCommandLine(const std::vector<std::string>& argv) const;

 private:
  explicit Scrubber(std::shared_ptr<const RE2> pattern) : pattern_(std::move(pattern)) {}
  std::string ScrubUrlCredentials(absl::string_view arg) const;

  std::shared_ptr<const RE2> pattern_;
};

}  // namespace ddcrash

#endif  // DDCRASH_REPORT_SCRUBBER_H_
