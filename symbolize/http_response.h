// The head of an HTTP response (status line and header fields, up to the empty line), as a
// symbol server sends it: untrusted bytes from the network, parsed with bounds.
#ifndef DDCRASH_SYMBOLIZE_HTTP_RESPONSE_H_
#define DDCRASH_SYMBOLIZE_HTTP_RESPONSE_H_

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ddcrash {

struct HttpResponseHead {
  int status = 0;
  std::optional<uint64_t> content_length;
};

// `head` excludes the final "\r\n\r\n". Unavailable for anything but "HTTP/x.y NNN ..." with
// well-formed fields, for a bad or repeated-and-different Content-Length, and for any transfer
// coding but identity (a server answering an HTTP/1.0 request must not use chunked).
absl::StatusOr<HttpResponseHead> ParseHttpResponseHead(absl::string_view head);

}  // namespace ddcrash

#endif  // DDCRASH_SYMBOLIZE_HTTP_RESPONSE_H_
