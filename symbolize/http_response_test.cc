#include "symbolize/http_response.h"

#include "gtest/gtest.h"

namespace ddcrash {
namespace {

TEST(HttpResponseTest, StatusAndLength) {
  absl::StatusOr<HttpResponseHead> head =
      ParseHttpResponseHead("HTTP/1.1 200 OK\r\ncontent-LENGTH:  1234 \r\nX: y");
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->content_length, 1234u);
  head = ParseHttpResponseHead("HTTP/1.0 404");
  ASSERT_TRUE(head.ok()) << head.status();
  EXPECT_EQ(head->status, 404);
  EXPECT_FALSE(head->content_length.has_value());
  EXPECT_TRUE(ParseHttpResponseHead("HTTP/1.1 200 OK\r\nTransfer-Encoding: identity").ok());
  EXPECT_TRUE(ParseHttpResponseHead("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5").ok());
}

TEST(HttpResponseTest, Refused) {
  for (const char* bad : {"", "HTTP/1.1", "HTTP/1.1 20 OK", "HTTP/1.1 abc OK", "ICY 200 OK",
                          "HTTP/1.1 200 OK\r\nContent-Length: +5", "HTTP/1.1 200 OK\r\n: x",
                          "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked",
                          "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 7"}) {
    EXPECT_FALSE(ParseHttpResponseHead(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace ddcrash
