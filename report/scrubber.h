// Keeps secrets out of reports. By name: values of environment variables, command-line options
// and `k=v` keys whose names look secret. By value: credentials recognisable in any text (URL
// passwords, credential query parameters, JWTs, bearer/basic credentials, private keys,
// well-known token formats). Secrets become a marker before anything is stored.
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

// Case-insensitive RE2 matched (unanchored) against a variable, option or key name. The
// short forms (pass, pw, sk, sig, jwt) count only as whole words of a name ("DB_PASS",
// "--pass", "STRIPE_SK"), not inside one ("BYPASS", "DISK").
inline constexpr absl::string_view kDefaultScrubPattern =
    "key|secret|token|passw|passphrase|pwd|credential|auth|connection_?string|connstr|private|"
    "session|cookie|signature|sas|dsn|cert|webhook|bearer|"
    "(^|[^a-z])(pass|pw|sk|sig|jwt)($|[^a-z])";

class Scrubber {
 public:
  // `extra_pattern` (from DDCRASH_SCRUB) extends the default; empty adds nothing. Fails when
  // it is not a valid RE2.
  static absl::StatusOr<Scrubber> Create(absl::string_view extra_pattern);

  // True when a variable/option/key with this name must not have its value stored.
  bool IsSecretName(absl::string_view name) const;

  // "NAME=VALUE" entries: a secret name loses its whole value; any other entry is scrubbed by
  // value (ScrubText).
  std::vector<std::string> ScrubEnvironment(const std::vector<std::string>& environment) const;

  // argv: "--name=value", "--name value", "-name value", "name=value" forms with a secret name
  // lose the value; so does the argument after "-p" unless it is a number (a port, as in
  // `psql -p 5432`; a password elsewhere, as in `sshpass -p`), and the password of a
  // "user:password" after "-u" or "--user" (curl). Every other argument is scrubbed by value
  // (ScrubText).
  std::vector<std::string> ScrubCommandLine(const std::vector<std::string>& argv) const;

  // Free text (an exception message, a stack trace, a thread name, a value): every
  // recognisable credential becomes the marker, the rest is kept as it is. Linear in the
  // size of the text.
  std::string ScrubText(absl::string_view text) const;

 private:
  explicit Scrubber(std::shared_ptr<const RE2> pattern) : pattern_(std::move(pattern)) {}
  // `k=v` pairs, query parameters, `"k": "v"` and `Header: value` lines with a secret key.
  std::string ScrubKeyedValues(absl::string_view text) const;

  std::shared_ptr<const RE2> pattern_;
};

}  // namespace ddcrash

#endif  // DDCRASH_REPORT_SCRUBBER_H_
