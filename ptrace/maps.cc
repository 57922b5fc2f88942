#include "ptrace/maps.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace ddcrash {
namespace {

constexpr absl::string_view kDeletedSuffix = " (deleted)";

// Consumes a hexadecimal number ending at `stop` (or at the end of `in`). Rejects empty
// numbers and values that do not fit in `max_digits` hex digits.
std::optional<uint64_t> ConsumeHex(absl::string_view& in, char stop, int max_digits) {
  uint64_t value = 0;
  int digits = 0;
  while (!in.empty() && in.front() != stop) {
    char c = in.front();
    int digit;
    if (c >= '0' && c <= '9') {
      digit = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      digit = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      digit = c - 'A' + 10;
    } else {
      return std::nullopt;
    }
    if (++digits > max_digits) return std::nullopt;
    value = (value << 4) | static_cast<uint64_t>(digit);
    in.remove_prefix(1);
  }
  if (digits == 0) return std::nullopt;
  return value;
}

std::optional<uint64_t> ConsumeDecimal(absl::string_view& in) {
  uint64_t value = 0;
  int digits = 0;
  while (!in.empty() && in.front() >= '0' && in.front() <= '9') {
    uint64_t digit = static_cast<uint64_t>(in.front() - '0');
    if (value > (UINT64_MAX - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
    ++digits;
    in.remove_prefix(1);
  }
  if (digits == 0) return std::nullopt;
  return value;
}

bool ConsumeChar(absl::string_view& in, char c) {
  if (in.empty() || in.front() != c) return false;
  in.remove_prefix(1);
  return true;
}

// One field separator: the kernel uses single spaces between the fixed fields.
bool ConsumeSpace(absl::string_view& in) { return ConsumeChar(in, ' '); }

// Parses one non-blank line; returns a short reason on failure.
absl::StatusOr<Mapping> ParseLine(absl::string_view in) {
  Mapping m;
  std::optional<uint64_t> start = ConsumeHex(in, '-', 16);
  if (!start || !ConsumeChar(in, '-')) return absl::InvalidArgumentError("bad start address");
  std::optional<uint64_t> end = ConsumeHex(in, ' ', 16);
  if (!end || !ConsumeSpace(in)) return absl::InvalidArgumentError("bad end address");
  if (*end <= *start) return absl::InvalidArgumentError("empty or inverted address range");
  m.start = *start;
  m.end = *end;

  if (in.size() < 4) return absl::InvalidArgumentError("bad permissions");
  auto flag = [](char c, char yes) -> std::optional<bool> {
    if (c == yes) return true;
    if (c == '-') return false;
    return std::nullopt;
  };
  std::optional<bool> r = flag(in[0], 'r');
  std::optional<bool> w = flag(in[1], 'w');
  std::optional<bool> x = flag(in[2], 'x');
  if (!r || !w || !x || (in[3] != 'p' && in[3] != 's')) {
    return absl::InvalidArgumentError("bad permissions");
  }
  m.readable = *r;
  m.writable = *w;
  m.executable = *x;
  m.shared = in[3] == 's';
  in.remove_prefix(4);
  if (!ConsumeSpace(in)) return absl::InvalidArgumentError("bad permissions");

  std::optional<uint64_t> offset = ConsumeHex(in, ' ', 16);
  if (!offset || !ConsumeSpace(in)) return absl::InvalidArgumentError("bad offset");
  m.file_offset = *offset;

  std::optional<uint64_t> major = ConsumeHex(in, ':', 8);
  if (!major || !ConsumeChar(in, ':')) return absl::InvalidArgumentError("bad device");
  std::optional<uint64_t> minor = ConsumeHex(in, ' ', 8);
  if (!minor || !ConsumeSpace(in)) return absl::InvalidArgumentError("bad device");
  m.dev_major = static_cast<uint32_t>(*major);
  m.dev_minor = static_cast<uint32_t>(*minor);

  std::optional<uint64_t> inode = ConsumeDecimal(in);
  if (!inode) return absl::InvalidArgumentError("bad inode");
  m.inode = *inode;

  // The kernel pads the inode column with spaces before the path; no path means anonymous.
  if (!in.empty() && in.front() != ' ') return absl::InvalidArgumentError("bad inode");
  in = absl::StripLeadingAsciiWhitespace(in);
  if (absl::EndsWith(in, kDeletedSuffix)) {
    in.remove_suffix(kDeletedSuffix.size());
    m.deleted = true;
  }
  m.path = std::string(in);
  return m;
}

}  // namespace

absl::StatusOr<std::vector<Mapping>> ParseMaps(absl::string_view text) {
  std::vector<Mapping> mappings;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    absl::StatusOr<Mapping> mapping = ParseLine(line);
    absl::string_view reason;
    if (!mapping.ok()) {
      reason = mapping.status().message();
    } else if (!mappings.empty() && mapping->start < mappings.back().end) {
      reason = "mapping overlaps or precedes the previous one";
    }
    if (!reason.empty()) {
      constexpr size_t kMaxQuoted = 120;
      return absl::InvalidArgumentError(
          absl::StrFormat("maps line %d: %s: \"%s\"%s", line_number, reason,
                          absl::CHexEscape(line.substr(0, kMaxQuoted)),
                          line.size() > kMaxQuoted ? "..." : ""));
    }
    mappings.push_back(*std::move(mapping));
  }
  return mappings;
}

}  // namespace ddcrash
