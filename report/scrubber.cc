#include "report/scrubber.h"

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "report/internal/keyed_value.h"

namespace ddcrash {
namespace {

// Every pass below is one forward walk: matches are searched from increasing positions and
// never rescanned, so scrubbing stays linear in the text whatever it contains.

re2::StringPiece Piece(absl::string_view s) { return re2::StringPiece(s.data(), s.size()); }

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// The scrubbed copy of a text: the text with ranges (in increasing order) replaced by the
// marker. A range that overlaps the one before is cut to what is left of it, never dropped.
class Redactor {
 public:
  explicit Redactor(absl::string_view text) : text_(text) {}
  void Redact(size_t begin, size_t end) {
    begin = std::max(begin, done_);
    if (begin >= end) return;
    out_.append(text_.data() + done_, begin - done_);
    out_.append(kScrubbedMarker.data(), kScrubbedMarker.size());
    done_ = end;
  }
  std::string Finish() && {
    out_.append(text_.data() + done_, text_.size() - done_);
    return std::move(out_);
  }

 private:
  absl::string_view text_;
  std::string out_;
  size_t done_ = 0;
};

// The next position at or after `pos` where `wanted` holds (the text size when there is none),
// for positions that only grow: each byte is looked at once.
template <typename Wanted>
class NextWhere {
 public:
  NextWhere(absl::string_view text, Wanted wanted) : text_(text), wanted_(wanted) {}
  size_t From(size_t pos) {
    if (searched_ && found_ >= pos) return found_;
    searched_ = true;
    found_ = pos;
    while (found_ < text_.size() && !wanted_(text_[found_])) ++found_;
    return found_;
  }

 private:
  absl::string_view text_;
  Wanted wanted_;
  bool searched_ = false;
  size_t found_ = 0;
};

auto Is(char c) {
  return [c](char x) { return x == c; };
}

RE2::Options QuietOptions() {
  RE2::Options options;
  options.set_log_errors(false);
  return options;
}

bool ContainsIgnoringCase(absl::string_view text, absl::string_view needle) {
  return std::search(text.begin(), text.end(), needle.begin(), needle.end(), [](char a, char b) {
           return absl::ascii_tolower(a) == absl::ascii_tolower(b);
         }) != text.end();
}

// A pattern and strings of which every match holds one: a text holding none of them (most
// texts: thread names, paths, messages) is not searched, and a pattern no text needed is
// never compiled.
class Pattern {
 public:
  Pattern(const char* pattern, std::initializer_list<absl::string_view> needles,
          bool ignore_case = false)
      : pattern_(pattern), needles_(needles), ignore_case_(ignore_case) {}

  bool MayMatch(absl::string_view text) const {
    for (absl::string_view needle : needles_) {
      if (ignore_case_ ? ContainsIgnoringCase(text, needle)
                       : absl::StrContains(text, needle)) {
        return true;
      }
    }
    return false;
  }

  const RE2& re() const {
    std::call_once(compiled_,
                   [this] { re_ = std::make_unique<const RE2>(pattern_, QuietOptions()); });
    return *re_;
  }

 private:
  const char* const pattern_;
  const std::vector<absl::string_view> needles_;
  const bool ignore_case_;
  mutable std::once_flag compiled_;
  mutable std::unique_ptr<const RE2> re_;
};

// Calls `on_match(groups, begin, end, redactor)` for each match of `pattern` in `text`, left to
// right; it redacts what it finds secret and returns where the search goes on (at least past
// the match start). Returns the redacted text.
template <typename OnMatch>
std::string ScrubMatches(const Pattern& pattern, absl::string_view text, OnMatch on_match) {
  if (!pattern.MayMatch(text)) return std::string(text);
  const RE2& re = pattern.re();
  Redactor redactor(text);
  constexpr int kMaxGroups = 4;
  re2::StringPiece groups[kMaxGroups];
  const int n = std::min(1 + re.NumberOfCapturingGroups(), kMaxGroups);
  size_t pos = 0;
  while (pos <= text.size() &&
         re.Match(Piece(text), pos, text.size(), RE2::UNANCHORED, groups, n)) {
    const size_t begin = static_cast<size_t>(groups[0].data() - text.data());
    const size_t end = begin + groups[0].size();
    pos = std::max(on_match(groups, begin, end, redactor), begin + 1);
  }
  return std::move(redactor).Finish();
}

size_t Offset(absl::string_view text, re2::StringPiece group) {
  return static_cast<size_t>(group.data() - text.data());
}

// The value-shaped secrets, compiled once.
struct ValuePatterns {
  const Pattern private_key{"-----BEGIN [A-Z ]{0,40}PRIVATE KEY-----", {"-----BEGIN "}};
  // The secret part of webhook URLs is their path.
  const Pattern webhook{
      "(?i)(?:hooks\\.slack\\.com/(?:services|workflows|triggers)/|"
      "discord(?:app)?\\.com/api/webhooks/|\\.webhook\\.office\\.com/webhookb2/|"
      "\\.logic\\.azure\\.com(?::443)?/workflows/)([^\\s\"'<>]+)",
      {"hook", "azure.com"}, /*ignore_case=*/true};
  // JWTs and the formats of well-known tokens, replaced whole.
  const Pattern token{
      "\\beyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*|"
      "\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b|"
      "\\bgh[pousr]_[A-Za-z0-9]{30,}|\\bgithub_pat_[A-Za-z0-9_]{20,}|"
      "\\bglpat-[A-Za-z0-9_-]{20,}|\\bnpm_[A-Za-z0-9]{36,}|"
      "\\bxox[abeoprs]-[A-Za-z0-9-]{10,}|"
      "\\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}|"
      "\\bAIza[0-9A-Za-z_-]{35}|"
      "\\bSG\\.[A-Za-z0-9_-]{16,}\\.[A-Za-z0-9_-]{16,}",
      {"eyJ", "AKIA", "ASIA", "gh", "github_pat_", "glpat-", "npm_", "xox", "k_live_", "k_test_",
       "AIza", "SG."}};
  const Pattern auth_scheme{"(?i)\\b(?:bearer|basic)[ \\t]+([A-Za-z0-9._~+/=-]+)",
                            {"bearer", "basic"}, /*ignore_case=*/true};
  // "Name: value" at the start of a line (an HTTP header, as in `curl -H`).
  const Pattern header{"(?m)^[ \\t]*([A-Za-z][A-Za-z0-9_.-]{0,63})[ \\t]*:[ \\t]*", {":"}};
  // "name": "value"
  const Pattern json{"\"([A-Za-z0-9_. -]{1,64})\"[ \\t]*:[ \\t]*\"", {"\""}};
};

const ValuePatterns& Patterns() {
  static const ValuePatterns* const patterns = new ValuePatterns;
  return *patterns;
}

// A word after "Bearer"/"Basic" that is a credential, not prose ("Basic authentication").
bool LooksLikeCredential(absl::string_view word) {
  if (word.size() < 8) return false;
  for (size_t i = 0; i < word.size(); ++i) {
    const char c = word[i];
    if (!absl::ascii_isalpha(c)) return true;
    if (i > 0 && absl::ascii_isupper(c)) return true;
  }
  return false;
}

std::string ScrubPrivateKeys(absl::string_view text) {
  return ScrubMatches(Patterns().private_key, text,
                      [&](re2::StringPiece*, size_t, size_t end, Redactor& redactor) {
                        size_t body_end = text.find("-----END", end);
                        if (body_end == absl::string_view::npos) body_end = text.size();
                        redactor.Redact(end, body_end);
                        return body_end;
                      });
}

// scheme://user:password@host: the password is everything from the first ':' after the user
// to the last '@' before the host, so it may hold any character ("p@ss", "pa/ss"); only a
// number followed by a path ("http://host:8080/a@b") is a port, not a password.
std::string ScrubUrlCredentials(absl::string_view text) {
  Redactor redactor(text);
  NextWhere next_at(text, Is('@'));
  NextWhere next_space(text, IsSpace);
  size_t pos = 0;
  while (true) {
    const size_t scheme_end = text.find("://", pos);
    if (scheme_end == absl::string_view::npos) break;
    const size_t authority = scheme_end + 3;
    pos = authority;
    if (scheme_end == 0 || !absl::ascii_isalnum(text[scheme_end - 1])) continue;
    size_t colon = authority;
    while (colon < text.size() && !IsSpace(text[colon]) &&
           absl::string_view(":/?#@").find(text[colon]) == absl::string_view::npos) {
      ++colon;
    }
    if (colon >= text.size() || text[colon] != ':') continue;
    size_t at = next_at.From(colon + 1);
    if (at >= text.size() || at > next_space.From(colon + 1)) continue;
    size_t digits = colon + 1;
    while (digits < at && absl::ascii_isdigit(text[digits])) ++digits;
    if (digits > colon + 1 && digits < at &&
        absl::string_view("/?#").find(text[digits]) != absl::string_view::npos) {
      continue;
    }
    // An '@' after what looked like the host means the host came later: "u:p@ss@h".
    while (true) {
      size_t host_end = at + 1;
      while (host_end < text.size() && !IsSpace(text[host_end]) &&
             absl::string_view("/?#@").find(text[host_end]) == absl::string_view::npos) {
        ++host_end;
      }
      if (host_end >= text.size() || text[host_end] != '@') break;
      at = host_end;
    }
    redactor.Redact(colon + 1, at);
    pos = at;
  }
  return std::move(redactor).Finish();
}

std::string ScrubWebhooks(absl::string_view text) {
  return ScrubMatches(Patterns().webhook, text,
                      [&](re2::StringPiece* groups, size_t, size_t end, Redactor& redactor) {
                        redactor.Redact(Offset(text, groups[1]), end);
                        return end;
                      });
}

std::string ScrubTokens(absl::string_view text) {
  return ScrubMatches(Patterns().token, text,
                      [&](re2::StringPiece*, size_t begin, size_t end, Redactor& redactor) {
                        redactor.Redact(begin, end);
                        return end;
                      });
}

std::string ScrubAuthSchemes(absl::string_view text) {
  return ScrubMatches(Patterns().auth_scheme, text,
                      [&](re2::StringPiece* groups, size_t, size_t end, Redactor& redactor) {
                        if (LooksLikeCredential(absl::string_view(groups[1].data(),
                                                                  groups[1].size()))) {
                          redactor.Redact(Offset(text, groups[1]), end);
                        }
                        return end;
                      });
}

}  // namespace

absl::StatusOr<Scrubber> Scrubber::Create(absl::string_view extra_pattern) {
  std::string pattern = absl::StrCat("(?i)(", kDefaultScrubPattern, ")");
  if (!extra_pattern.empty()) absl::StrAppend(&pattern, "|(?i)(", extra_pattern, ")");
  auto re = std::make_shared<const RE2>(pattern, QuietOptions());
  if (!re->ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid DDCRASH_SCRUB pattern \"", extra_pattern, "\": ", re->error()));
  }
  return Scrubber(std::move(re));
}

bool Scrubber::IsSecretName(absl::string_view name) const {
  // An assembly's PublicKeyToken is public by definition, and .NET prints it in every assembly
  // name ("Version=1.0.0.0, Culture=neutral, PublicKeyToken=null" in a TypeLoadException).
  if (absl::EqualsIgnoreCase(name, "PublicKeyToken")) return false;
  return !name.empty() && RE2::PartialMatch(Piece(name), *pattern_);
}

std::string Scrubber::ScrubKeyedValues(absl::string_view text) const {
  auto name_of = [](re2::StringPiece group) {
    return absl::string_view(group.data(), group.size());
  };
  const std::string headers = ScrubMatches(
      Patterns().header, text,
      [&](re2::StringPiece* groups, size_t, size_t end, Redactor& redactor) {
        // "keyvault://x" is a URL, not a header.
        if (absl::StartsWith(text.substr(end), "//") || !IsSecretName(name_of(groups[1]))) {
          return end;
        }
        size_t line_end = end;
        while (line_end < text.size() && text[line_end] != '\n' && text[line_end] != '\r') {
          ++line_end;
        }
        redactor.Redact(end, line_end);
        return line_end;
      });
  absl::string_view in = headers;
  const std::string json = ScrubMatches(
      Patterns().json, in, [&](re2::StringPiece* groups, size_t, size_t end, Redactor& redactor) {
        if (!IsSecretName(name_of(groups[1]))) return end;
        size_t close = end;
        while (close < in.size() && in[close] != '"') close += in[close] == '\\' ? 2 : 1;
        close = std::min(close, in.size());
        redactor.Redact(end, close);
        return close;
      });
  in = json;
  NextWhere double_quote(in, Is('"'));
  NextWhere single_quote(in, Is('\''));
  NextWhere close_brace(in, Is('}'));
  // name=value, ?name=value, &name=value (report_internal::FindKeyedValue).
  auto redact_value = [&](const report_internal::KeyedValue& pair, Redactor& redactor) {
    const size_t end = pair.value;
    // "code" is the OAuth authorization code only as a query parameter.
    if (!IsSecretName(pair.name) && !(pair.query && absl::EqualsIgnoreCase(pair.name, "code"))) {
      return end;
    }
    size_t value_end = end;
    const char open = end < in.size() ? in[end] : '\0';
    size_t close = in.size();
    if (!pair.query && open == '"') close = double_quote.From(end + 1);
    if (!pair.query && open == '\'') close = single_quote.From(end + 1);
    if (!pair.query && open == '{') close = close_brace.From(end + 1);
    if (close < in.size()) {
      value_end = close + 1;  // Password="a b;c", PWD={a;b}
    } else {
      // Connection strings separate pairs with ';', query strings with '&' and '#'.
      const absl::string_view stops = pair.query ? "&#" : ";";
      while (value_end < in.size() && !IsSpace(in[value_end]) &&
             stops.find(in[value_end]) == absl::string_view::npos) {
        ++value_end;
      }
    }
    redactor.Redact(end, value_end);
    return value_end;
  };
  Redactor redactor(in);
  for (size_t pos = 0; pos <= in.size();) {
    const std::optional<report_internal::KeyedValue> pair =
        report_internal::FindKeyedValue(in, pos);
    if (!pair.has_value()) break;
    pos = std::max(redact_value(*pair, redactor), pair->begin + 1);
  }
  return std::move(redactor).Finish();
}

std::string Scrubber::ScrubText(absl::string_view text) const {
  if (text.empty()) return std::string();
  std::string scrubbed = ScrubPrivateKeys(text);
  scrubbed = ScrubUrlCredentials(scrubbed);
  scrubbed = ScrubWebhooks(scrubbed);
  scrubbed = ScrubTokens(scrubbed);
  scrubbed = ScrubAuthSchemes(scrubbed);
  return ScrubKeyedValues(scrubbed);
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
      out.push_back(ScrubText(entry));
    }
  }
  return out;
}

std::vector<std::string> Scrubber::ScrubCommandLine(const std::vector<std::string>& argv) const {
  std::vector<std::string> out;
  out.reserve(argv.size());
  enum class Next { kAny, kSecret, kSecretUnlessNumber, kUserPassword } next = Next::kAny;
  for (const std::string& arg : argv) {
    const Next expected = std::exchange(next, Next::kAny);
    const size_t colon = arg.find(':');
    if (expected == Next::kUserPassword && colon != std::string::npos) {
      out.push_back(absl::StrCat(arg.substr(0, colon + 1), kScrubbedMarker));  // curl -u u:p
      continue;
    }
    if (expected == Next::kSecret ||
        (expected == Next::kSecretUnlessNumber &&
         (arg.empty() || !std::all_of(arg.begin(), arg.end(), absl::ascii_isdigit)))) {
      out.emplace_back(kScrubbedMarker);
      continue;
    }
    absl::string_view name = arg;
    const bool is_option = !name.empty() && name[0] == '-';
    while (!name.empty() && name[0] == '-') name.remove_prefix(1);
    const size_t eq = name.find('=');
    // Only a name is a name: "Authorization: Basic dXM6cA==" and "https://h/?token=t&page=2"
    // are text, for ScrubText.
    if (eq != absl::string_view::npos &&
        std::all_of(name.begin(), name.begin() + eq, [](char c) {
          return absl::ascii_isalnum(c) || c == '_' || c == '-' || c == '.' || c == ':';
        })) {
      if (IsSecretName(name.substr(0, eq))) {
        out.push_back(absl::StrCat(arg.substr(0, arg.size() - name.size() + eq + 1),
                                   kScrubbedMarker));
        continue;
      }
    } else if (is_option && IsSecretName(name)) {
      // "--password hunter2": the option is kept, its value is not.
      next = Next::kSecret;
    } else if (arg == "-p") {
      next = Next::kSecretUnlessNumber;
    } else if (arg == "-u" || arg == "--user") {
      next = Next::kUserPassword;
    }
    out.push_back(ScrubText(arg));
  }
  return out;
}

}  // namespace ddcrash
