// Replays the scrubber fuzzer's corpus (and its findings, once added to it): no input may
// crash the scrubber or let a secret planted after it through.
#include "gtest/gtest.h"
#include "report/scrubber_fuzz_target.h"
#include "tools/testing/corpus.h"

namespace ddcrash {
namespace {

TEST(ScrubberCorpusTest, EveryInputIsScrubbedWithoutLeaking) {
  absl::StatusOr<std::vector<CorpusFile>> corpus =
      ReadCorpus("report/testdata/scrubber_corpus", 12);
  ASSERT_TRUE(corpus.ok()) << corpus.status();
  for (const CorpusFile& file : *corpus) {
    EXPECT_TRUE(ScrubUntrustedBytes(file.bytes)) << file.name;
  }
}

}  // namespace
}  // namespace ddcrash
