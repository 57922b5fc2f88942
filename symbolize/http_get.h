// A small, bounded HTTP client for symbol servers: GET of an http:// URL over a plain socket,
// with a timeout on every wait and a cap on the body. No TLS (https:// is refused), no
// redirects, no proxies: enough for SSQP servers and mirrors on a trusted network.
//
// The request is HTTP/1.0 with a Host header: a server must then not use chunked transfer
// coding (RFC 9112, 7.1), so the body is delimited by Content-Length or by the close.
#ifndef DDCRASH_SYMBOLIZE_HTTP_GET_H_
#define DDCRASH_SYMBOLIZE_HTTP_GET_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ddcrash {

struct HttpUrl {
  std::string host;
  std::string port = "80";
  std::string path = "/";  // with its query, if any
};

// "http://host[:port][/path]"; InvalidArgument for anything else (https included).
absl::StatusOr<HttpUrl> ParseHttpUrl(absl::string_view url);

struct HttpGetOptions {
  // The longest wait for the name lookup (a host name is resolved in a child process that
  // is killed then; a numeric address needs none), the connection and each piece of the
  // response.
  absl::Duration timeout = absl::Seconds(15);
  // The whole exchange, however steadily bytes trickle in.
  absl::Duration total_timeout = absl::Minutes(5);
  uint64_t max_body_bytes = uint64_t{1} << 30;
  uint64_t max_header_bytes = 64 << 10;
};

// GETs `url` and writes the body of a 200 response to `out_fd`; returns its size.
// NotFound for 404 and 410, Unavailable for a refused connection or another status,
// DeadlineExceeded when a timeout ran out, ResourceExhausted past a size cap, DataLoss for a
// body shorter than its Content-Length.
absl::StatusOr<uint64_t> HttpGetToFd(const HttpUrl& url, int out_fd,
                                     const HttpGetOptions& options);

}  // namespace ddcrash

#endif  // DDCRASH_SYMBOLIZE_HTTP_GET_H_
