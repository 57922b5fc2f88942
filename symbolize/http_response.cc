#include "symbolize/http_response.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace ddcrash {

absl::StatusOr<HttpResponseHead> ParseHttpResponseHead(absl::string_view head) {
  const std::vector<absl::string_view> lines = absl::StrSplit(head, "\r\n");
  // "HTTP/1.1 200 OK": the version, a three-digit code, an optional reason.
  const std::vector<absl::string_view> status_line = absl::StrSplit(lines[0], absl::MaxSplits(' ', 2));
  HttpResponseHead parsed;
  if (status_line.size() < 2 || !absl::StartsWith(status_line[0], "HTTP/") ||
      status_line[1].size() != 3 || !absl::SimpleAtoi(status_line[1], &parsed.status) ||
      parsed.status < 100) {
    return absl::UnavailableError("not an HTTP response");
  }
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t colon = lines[i].find(':');
    if (colon == absl::string_view::npos || colon == 0) {
      return absl::UnavailableError("malformed header field in the response");
    }
    const absl::string_view name = lines[i].substr(0, colon);
    const absl::string_view value = absl::StripAsciiWhitespace(lines[i].substr(colon + 1));
    if (absl::EqualsIgnoreCase(name, "content-length")) {
      uint64_t length = 0;
      if (value.empty() || !absl::ascii_isdigit(value[0]) || !absl::SimpleAtoi(value, &length) ||
          (parsed.content_length && *parsed.content_length != length)) {
        return absl::UnavailableError(absl::StrCat("bad Content-Length: ", value.substr(0, 40)));
      }
      parsed.content_length = length;
    } else if (absl::EqualsIgnoreCase(name, "transfer-encoding") &&
               !absl::EqualsIgnoreCase(value, "identity")) {
      return absl::UnavailableError(absl::StrCat("unsupported Transfer-Encoding: ", value.substr(0, 40)));
    }
  }
  return parsed;
}

}  // namespace ddcrash
