#include "symbolize/http_get.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <vector>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "symbolize/http_response.h"

namespace ddcrash {
namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// A connection with two deadlines: one per wait, one for the whole exchange.
class Connection {
 public:
  Connection(int fd, const HttpGetOptions& options)
      : fd_(fd), options_(options), end_(absl::Now() + options.total_timeout) {}

  // Waits until `events` are ready on the socket.
  absl::Status Wait(short events) {
    const absl::Duration left = std::min(options_.timeout, end_ - absl::Now());
    if (left <= absl::ZeroDuration()) return absl::DeadlineExceededError("the server took too long");
    pollfd p = {fd_.get(), events, 0};
    int ready;
    do {
      ready = poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
    } while (ready < 0 && errno == EINTR);
    if (ready < 0) return absl::InternalError(absl::StrCat("poll: ", strerror(errno)));
    if (ready == 0) {
      return absl::DeadlineExceededError(absl::StrCat(
          "no answer within ", absl::FormatDuration(options_.timeout)));
    }
    return absl::OkStatus();
  }

  absl::Status SendAll(absl::string_view bytes) {
    while (!bytes.empty()) {
      if (absl::Status status = Wait(POLLOUT); !status.ok()) return status;
      const ssize_t n = send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n < 0) return absl::UnavailableError(absl::StrCat("send: ", strerror(errno)));
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return absl::OkStatus();
  }

  // Up to `size` bytes; 0 at the end of the stream.
  absl::StatusOr<size_t> Receive(char* buffer, size_t size) {
    while (true) {
      if (absl::Status status = Wait(POLLIN); !status.ok()) return status;
      const ssize_t n = recv(fd_.get(), buffer, size, 0);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n < 0) return absl::UnavailableError(absl::StrCat("recv: ", strerror(errno)));
      return static_cast<size_t>(n);
    }
  }

 private:
  Fd fd_;
  const HttpGetOptions& options_;
  absl::Time end_;
};

// One address to connect to, as getaddrinfo gave it.
struct Address {
  int family = 0;
  int socktype = 0;
  int protocol = 0;
  socklen_t length = 0;
  sockaddr_storage address = {};
};

absl::StatusOr<std::vector<Address>> Lookup(const HttpUrl& url, int flags) {
  addrinfo hints = {};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV | flags;
  addrinfo* found = nullptr;
  const int error = getaddrinfo(url.host.c_str(), url.port.c_str(), &hints, &found);
  if (error == EAI_NONAME && (flags & AI_NUMERICHOST) != 0) return absl::NotFoundError("a name");
  if (error != 0) {
    return absl::UnavailableError(absl::StrCat("cannot resolve ", url.host, ": ", gai_strerror(error)));
  }
  std::vector<Address> addresses;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    if (a->ai_addrlen > sizeof(sockaddr_storage)) continue;
    Address address{a->ai_family, a->ai_socktype, a->ai_protocol, a->ai_addrlen, {}};
    memcpy(&address.address, a->ai_addr, a->ai_addrlen);
    addresses.push_back(address);
  }
  freeaddrinfo(found);
  return addresses;
}

// getaddrinfo has no timeout of its own: a DNS server that does not answer holds it for
// resolv.conf's timeouts and attempts, whatever ours are. A numeric host needs no lookup; a
// name is looked up in a child process that is killed when `timeout` passes, its addresses
// read back through a pipe. (getaddrinfo_a would bring libanl, which the binaries must not
// need, and a thread would bind pthread functions newer than glibc 2.17:
// tests/static_link_test.sh.)
absl::StatusOr<std::vector<Address>> Resolve(const HttpUrl& url, absl::Duration timeout) {
  absl::StatusOr<std::vector<Address>> numeric = Lookup(url, AI_NUMERICHOST);
  if (!absl::IsNotFound(numeric.status())) return numeric;
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return absl::InternalError(absl::StrCat("pipe: ", strerror(errno)));
  const pid_t child = fork();
  if (child < 0) {
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    return absl::InternalError(absl::StrCat("fork: ", strerror(errno)));
  }
  if (child == 0) {
    close(pipe_fds[0]);
    absl::StatusOr<std::vector<Address>> found = Lookup(url, 0);
    // One status byte (0: addresses follow), then the records.
    const char ok = found.ok() ? 0 : static_cast<char>(found.status().code());
    bool written = write(pipe_fds[1], &ok, 1) == 1;
    if (found.ok()) {
      for (const Address& address : *found) {
        written = written && write(pipe_fds[1], &address, sizeof(address)) == sizeof(address);
      }
    } else {
      const absl::string_view message = found.status().message();
      written = written && write(pipe_fds[1], message.data(), message.size()) ==
                               static_cast<ssize_t>(message.size());
    }
    _exit(written ? 0 : 1);
  }
  close(pipe_fds[1]);
  std::string bytes;
  const absl::Time end = absl::Now() + timeout;
  bool complete = false;
  while (!complete) {
    const absl::Duration left = end - absl::Now();
    if (left <= absl::ZeroDuration()) break;
    pollfd p = {pipe_fds[0], POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;
    char buffer[4096];
    const ssize_t n = read(pipe_fds[0], buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      complete = n == 0;
      break;
    }
    bytes.append(buffer, static_cast<size_t>(n));
  }
  close(pipe_fds[0]);
  if (!complete) kill(child, SIGKILL);
  while (waitpid(child, nullptr, 0) < 0 && errno == EINTR) {
  }
  if (!complete) {
    return absl::DeadlineExceededError(
        absl::StrCat("cannot resolve ", url.host, " within ", absl::FormatDuration(timeout)));
  }
  if (bytes.empty()) return absl::UnavailableError(absl::StrCat("cannot resolve ", url.host));
  if (bytes[0] != 0) return absl::Status(static_cast<absl::StatusCode>(bytes[0]), bytes.substr(1));
  std::vector<Address> addresses((bytes.size() - 1) / sizeof(Address));
  memcpy(addresses.data(), bytes.data() + 1, addresses.size() * sizeof(Address));
  return addresses;
}

absl::StatusOr<int> Connect(const HttpUrl& url, const HttpGetOptions& options) {
  absl::StatusOr<std::vector<Address>> addresses = Resolve(url, options.timeout);
  if (!addresses.ok()) return addresses.status();
  absl::Status last = absl::UnavailableError("no address");
  for (const Address& a : *addresses) {
    const int fd = socket(a.family, a.socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a.protocol);
    if (fd < 0) continue;
    if (connect(fd, reinterpret_cast<const sockaddr*>(&a.address), a.length) == 0) return fd;
    if (errno == EINPROGRESS) {
      pollfd p = {fd, POLLOUT, 0};
      int ready;
      do {
        ready = poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(options.timeout)) + 1);
      } while (ready < 0 && errno == EINTR);
      int socket_error = 0;
      socklen_t length = sizeof(socket_error);
      if (ready > 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &socket_error, &length) == 0 &&
          socket_error == 0) {
        return fd;
      }
      last = ready == 0 ? absl::DeadlineExceededError(absl::StrCat(
                              "cannot connect to ", url.host, ":", url.port, " within ",
                              absl::FormatDuration(options.timeout)))
                        : absl::UnavailableError(absl::StrCat("cannot connect to ", url.host, ":",
                                                              url.port, ": ", strerror(socket_error)));
    } else {
      last = absl::UnavailableError(
          absl::StrCat("cannot connect to ", url.host, ":", url.port, ": ", strerror(errno)));
    }
    close(fd);
  }
  return last;
}

absl::Status WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    const ssize_t n = write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return absl::InternalError(absl::StrCat("write: ", strerror(errno)));
    data += n;
    size -= static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<HttpUrl> ParseHttpUrl(absl::string_view url) {
  constexpr absl::string_view kScheme = "http://";
  if (!absl::StartsWithIgnoreCase(url, kScheme)) {
    return absl::InvalidArgumentError(absl::StrCat("only http:// URLs are supported: ", url));
  }
  absl::string_view rest = url.substr(kScheme.size());
  HttpUrl parsed;
  const size_t slash = rest.find('/');
  absl::string_view authority = rest.substr(0, slash);
  if (slash != absl::string_view::npos) parsed.path = std::string(rest.substr(slash));
  if (absl::StrContains(authority, '@')) {
    return absl::InvalidArgumentError(absl::StrCat("credentials in URLs are not supported: ", url));
  }
  if (absl::StartsWith(authority, "[")) {  // [v6 address]:port
    const size_t close = authority.find(']');
    if (close == absl::string_view::npos) return absl::InvalidArgumentError(absl::StrCat("bad host: ", url));
    parsed.host = std::string(authority.substr(1, close - 1));
    authority.remove_prefix(close + 1);
    if (!authority.empty() && authority[0] != ':') return absl::InvalidArgumentError(absl::StrCat("bad host: ", url));
  } else {
    const size_t colon = authority.find(':');
    parsed.host = std::string(authority.substr(0, colon));
    authority = colon == absl::string_view::npos ? "" : authority.substr(colon);
  }
  if (!authority.empty()) {
    uint32_t port = 0;
    if (!absl::SimpleAtoi(authority.substr(1), &port) || port == 0 || port > 65535) {
      return absl::InvalidArgumentError(absl::StrCat("bad port: ", url));
    }
    parsed.port = absl::StrCat(port);
  }
  if (parsed.host.empty()) return absl::InvalidArgumentError(absl::StrCat("no host: ", url));
  for (char c : parsed.path) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) {
      return absl::InvalidArgumentError(absl::StrCat("bad character in URL path: ", url));
    }
  }
  return parsed;
}

absl::StatusOr<uint64_t> HttpGetToFd(const HttpUrl& url, int out_fd,
                                     const HttpGetOptions& options) {
  absl::StatusOr<int> fd = Connect(url, options);
  if (!fd.ok()) return fd.status();
  Connection connection(*fd, options);
  const bool default_port = url.port == "80";
  const std::string host = absl::StrContains(url.host, ':') ? absl::StrCat("[", url.host, "]") : url.host;
  const std::string request =
      absl::StrCat("GET ", url.path, " HTTP/1.0\r\nHost: ", host, default_port ? "" : ":",
                   default_port ? "" : url.port, "\r\nUser-Agent: ddcrash\r\nAccept: */*\r\n\r\n");
  if (absl::Status status = connection.SendAll(request); !status.ok()) return status;

  // The header, up to the empty line; what follows it in the buffer is body.
  std::string head;
  char buffer[64 << 10];
  size_t header_end = std::string::npos;
  while (header_end == std::string::npos) {
    absl::StatusOr<size_t> n = connection.Receive(buffer, sizeof(buffer));
    if (!n.ok()) return n.status();
    if (*n == 0) return absl::UnavailableError("the server closed the connection before answering");
    head.append(buffer, *n);
    header_end = head.find("\r\n\r\n");
    if (header_end == std::string::npos && head.size() > options.max_header_bytes) {
      return absl::ResourceExhaustedError("response header too long");
    }
  }
  absl::StatusOr<HttpResponseHead> response =
      ParseHttpResponseHead(absl::string_view(head).substr(0, header_end));
  if (!response.ok()) return response.status();
  const int code = response->status;
  if (code == 404 || code == 410) return absl::NotFoundError(absl::StrCat("HTTP ", code));
  if (code != 200) return absl::UnavailableError(absl::StrCat("HTTP ", code, " (not followed)"));
  const std::optional<uint64_t> content_length = response->content_length;
  if (content_length && *content_length > options.max_body_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat("body of ", *content_length, " bytes is too large"));
  }

  uint64_t written = 0;
  auto take = [&](const char* data, size_t size) -> absl::Status {
    if (content_length) size = static_cast<size_t>(std::min<uint64_t>(size, *content_length - written));
    if (written + size > options.max_body_bytes) {
      return absl::ResourceExhaustedError("body too large");
    }
    written += size;
    return WriteAll(out_fd, data, size);
  };
  if (absl::Status status = take(head.data() + header_end + 4, head.size() - header_end - 4);
      !status.ok()) {
    return status;
  }
  while (!content_length || written < *content_length) {
    absl::StatusOr<size_t> n = connection.Receive(buffer, sizeof(buffer));
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    if (absl::Status status = take(buffer, *n); !status.ok()) return status;
  }
  if (content_length && written < *content_length) {
    return absl::DataLossError(absl::StrCat("body cut at ", written, " of ", *content_length, " bytes"));
  }
  return written;
}

}  // namespace ddcrash
