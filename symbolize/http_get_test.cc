#include "symbolize/http_get.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace ddcrash {
namespace {

// A server on 127.0.0.1 that answers each connection by the request's path.
class TestServer {
 public:
  TestServer() {
    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address = {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address));
    listen(listen_fd_, 16);
    socklen_t length = sizeof(address);
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~TestServer() {
    stop_ = true;
    shutdown(listen_fd_, SHUT_RDWR);
    close(listen_fd_);
    thread_.join();
  }
  std::string Url(const std::string& path) const { return absl::StrCat("http://127.0.0.1:", port_, path); }

 private:
  void Serve() {
    while (!stop_) {
      const int fd = accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      char buffer[4096];
      std::string request;
      while (!absl::StrContains(request, "\r\n\r\n")) {
        const ssize_t n = read(fd, buffer, sizeof(buffer));
        if (n <= 0) break;
        request.append(buffer, n);
      }
      last_request_ = request;
      const std::string path = request.substr(4, request.find(' ', 4) - 4);
      std::string answer;
      if (path == "/ok") answer = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
      if (path == "/until-close") answer = "HTTP/1.0 200 OK\r\n\r\nbody until close";
      if (path == "/missing") answer = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
      if (path == "/redirect") answer = "HTTP/1.1 302 Found\r\nLocation: https://x/\r\n\r\n";
      if (path == "/big") answer = "HTTP/1.1 200 OK\r\nContent-Length: 999999999999\r\n\r\n";
      if (path == "/short") answer = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this";
      if (path == "/chunked") answer = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
      if (path == "/garbage") answer = "SSH-2.0-OpenSSH\r\n\r\n";
      if (path == "/trickle") {  // a byte at a time, never ending, each well within `timeout`
        const std::string head = "HTTP/1.0 200 OK\r\n\r\n";
        (void)!send(fd, head.data(), head.size(), MSG_NOSIGNAL);
        while (!stop_ && send(fd, "x", 1, MSG_NOSIGNAL) == 1) usleep(20000);
      }
      if (path == "/hang") {
        while (!stop_) usleep(10000);  // accepts, never answers
      }
      (void)!write(fd, answer.data(), answer.size());
      close(fd);
    }
  }

  int listen_fd_;
  int port_;
  std::atomic<bool> stop_{false};
  std::thread thread_;

 public:
  std::string last_request_;
};

struct Fetched {
  absl::StatusOr<uint64_t> size;
  std::string body;
};

Fetched Get(const std::string& url, HttpGetOptions options = {}) {
  const std::string path = absl::StrCat(getenv("TEST_TMPDIR"), "/body");
  FILE* file = fopen(path.c_str(), "w+");
  absl::StatusOr<HttpUrl> parsed = ParseHttpUrl(url);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  Fetched fetched{HttpGetToFd(*parsed, fileno(file), options), ""};
  rewind(file);
  char buffer[256];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), file)) > 0) fetched.body.append(buffer, n);
  fclose(file);
  return fetched;
}

TEST(HttpGetTest, ParsesHttpUrlsOnly) {
  absl::StatusOr<HttpUrl> url = ParseHttpUrl("http://symbols.example:8080/ssqp/a.dbg?x=1");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->host, "symbols.example");
  EXPECT_EQ(url->port, "8080");
  EXPECT_EQ(url->path, "/ssqp/a.dbg?x=1");
  url = ParseHttpUrl("HTTP://[::1]");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, "80");
  EXPECT_EQ(url->path, "/");
  for (const char* bad : {"https://msdl.microsoft.com/download/symbols", "ftp://x/", "http://",
                          "http://:80/", "http://h:0/", "http://h:99999/", "http://u:p@h/",
                          "http://h/a b", "http://[::1/"}) {
    EXPECT_FALSE(ParseHttpUrl(bad).ok()) << bad;
  }
}

TEST(HttpGetTest, Answers) {
  TestServer server;
  Fetched ok = Get(server.Url("/ok"));
  ASSERT_TRUE(ok.size.ok()) << ok.size.status();
  EXPECT_EQ(*ok.size, 5u);
  EXPECT_EQ(ok.body, "hello");
  EXPECT_TRUE(absl::StartsWith(server.last_request_, "GET /ok HTTP/1.0\r\nHost: 127.0.0.1:"))
      << server.last_request_;

  Fetched until_close = Get(server.Url("/until-close"));
  ASSERT_TRUE(until_close.size.ok()) << until_close.size.status();
  EXPECT_EQ(until_close.body, "body until close");

  EXPECT_EQ(Get(server.Url("/missing")).size.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Get(server.Url("/redirect")).size.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Get(server.Url("/big")).size.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(Get(server.Url("/short")).size.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(Get(server.Url("/chunked")).size.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Get(server.Url("/garbage")).size.status().code(), absl::StatusCode::kUnavailable);

  HttpGetOptions small;
  small.max_body_bytes = 3;
  EXPECT_EQ(Get(server.Url("/until-close"), small).size.status().code(),
            absl::StatusCode::kResourceExhausted);
}

TEST(HttpGetTest, TimeoutHoldsAgainstAServerThatNeverAnswers) {
  TestServer server;
  HttpGetOptions options;
  options.timeout = absl::Milliseconds(300);
  const absl::Time start = absl::Now();
  Fetched hung = Get(server.Url("/hang"), options);
  const absl::Duration elapsed = absl::Now() - start;
  EXPECT_EQ(hung.size.status().code(), absl::StatusCode::kDeadlineExceeded) << hung.size.status();
  EXPECT_GE(elapsed, absl::Milliseconds(250));
  EXPECT_LT(elapsed, absl::Seconds(5));
}

TEST(HttpGetTest, TotalTimeoutHoldsAgainstATricklingServer) {
  TestServer server;
  HttpGetOptions options;
  options.timeout = absl::Seconds(2);
  options.total_timeout = absl::Milliseconds(500);
  const absl::Time start = absl::Now();
  Fetched trickled = Get(server.Url("/trickle"), options);
  const absl::Duration elapsed = absl::Now() - start;
  EXPECT_EQ(trickled.size.status().code(), absl::StatusCode::kDeadlineExceeded)
      << trickled.size.status();
  EXPECT_GE(elapsed, absl::Milliseconds(450));
  EXPECT_LT(elapsed, absl::Seconds(2));
}

// A name goes through the bounded lookup (numeric hosts need none).
TEST(HttpGetTest, ResolvesLocalhostByName) {
  TestServer server;
  Fetched ok = Get(absl::StrCat("http://localhost:", server.Url("").substr(17), "/ok"));
  ASSERT_TRUE(ok.size.ok()) << ok.size.status();
  EXPECT_EQ(ok.body, "hello");
}

TEST(HttpGetTest, RefusedConnection) {
  int port;
  {
    TestServer server;  // a port that was just free, now closed
    port = std::stoi(server.Url("").substr(17));
  }
  Fetched refused = Get(absl::StrCat("http://127.0.0.1:", port, "/x"));
  EXPECT_EQ(refused.size.status().code(), absl::StatusCode::kUnavailable) << refused.size.status();
}

}  // namespace
}  // namespace ddcrash
