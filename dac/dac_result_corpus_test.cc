// Replays testdata/dac_result_corpus (the seed corpus of dac_result_fuzzer: results written
// by SerializeDacResult, and broken variants) through the fuzz target: none may crash; "good_*"
// inputs must be read (a state, or the error the child sent), "bad_*" ones refused as DataLoss.
#include <string>

#include "absl/status/status.h"
#include "dac/dac_result.h"
#include "gtest/gtest.h"
#include "tools/testing/named_corpus.h"

namespace {

TEST(CorpusTest, EveryInputParsesOrFailsCleanly) {
  ddcrash::ExpectCorpusAsNamed("dac/testdata/dac_result_corpus", 9, [](const std::string& bytes) {
    return !absl::IsDataLoss(ddcrash::dac::ParseDacResult(bytes).status());
  });
}

}  // namespace
