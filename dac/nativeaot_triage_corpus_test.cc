// Replays testdata/nativeaot_triage_corpus (the seed corpus of nativeaot_triage_fuzzer: triage
// buffers read from NativeAOT 8.0.31 and 10.0.12 crashes, and variants) through the fuzz target:
// none may crash; "good_*" inputs must parse, "bad_*" not.
#include <string>

#include "dac/nativeaot_crash_info.h"
#include "gtest/gtest.h"
#include "tools/testing/named_corpus.h"

namespace {

TEST(CorpusTest, EveryInputParsesOrFailsCleanly) {
  ddcrash::ExpectCorpusAsNamed("dac/testdata/nativeaot_triage_corpus", 8,
                               [](const std::string& bytes) {
                                 return ddcrash::dac::ParseNativeAotTriage(bytes).ok();
                               });
}

}  // namespace
