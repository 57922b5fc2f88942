// Replays testdata/sequence_points_corpus (the seed corpus of sequence_points_fuzzer) through
// the fuzz target: none may crash, "good_*" inputs must decode.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "pdb/sequence_points.h"
#include "tools/testing/corpus.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

constexpr char kCorpus[] = "pdb/testdata/sequence_points_corpus";

TEST(CorpusTest, EveryInputDecodesOrFailsCleanly) {
  absl::StatusOr<std::vector<ddcrash::CorpusFile>> corpus = ddcrash::ReadCorpus(kCorpus, 5);
  ASSERT_TRUE(corpus.ok()) << corpus.status();
  for (const ddcrash::CorpusFile& file : *corpus) {
    const std::string& name = file.name;
    const std::string& bytes = file.bytes;
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    if (absl::StartsWith(name, "good_")) {
      EXPECT_TRUE(ddcrash::pdb::DecodeSequencePoints(bytes.substr(1), bytes[0] % 4, 3).ok()) << name;
    }
  }
}

}  // namespace
