// Replays testdata/sequence_points_corpus (the seed corpus of sequence_points_fuzzer) through
// the fuzz target: none may crash, "good_*" inputs must decode.
#include <string>

#include "gtest/gtest.h"
#include "pdb/sequence_points.h"
#include "tools/testing/named_corpus.h"

namespace {

TEST(CorpusTest, EveryInputDecodesOrFailsCleanly) {
  ddcrash::ExpectCorpusAsNamed("pdb/testdata/sequence_points_corpus", 5,
                               [](const std::string& bytes) {
    return ddcrash::pdb::DecodeSequencePoints(bytes.substr(1), bytes[0] % 4, 3).ok();
  });
}

}  // namespace
