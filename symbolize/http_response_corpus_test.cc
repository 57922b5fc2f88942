// Replays the HTTP response fuzz corpus: good_* heads are accepted, bad_* refused, and none
// crashes.
#include "gtest/gtest.h"
#include "symbolize/http_response.h"
#include "tools/testing/named_corpus.h"

namespace ddcrash {
namespace {

TEST(HttpResponseCorpusTest, EveryInputAsNamed) {
  ExpectCorpusAsNamed("symbolize/testdata/http_response_corpus", 10, [](const std::string& bytes) {
    return ParseHttpResponseHead(bytes).ok();
  });
}

}  // namespace
}  // namespace ddcrash
