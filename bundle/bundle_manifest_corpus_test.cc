// Replays testdata/bundle_manifest_corpus (the seed corpus of bundle_manifest_fuzzer: the
// placeholder and manifest of the .NET 8, 9 and 10 single-file test apps with their file bytes
// cut out, and variants) through the fuzz target: none may crash; "good_*" inputs must parse,
// "bad_*" not.
#include <string>

#include "bundle/bundle_manifest.h"
#include "gtest/gtest.h"
#include "tools/testing/named_corpus.h"

namespace {

TEST(CorpusTest, EveryInputParsesOrFailsCleanly) {
  ddcrash::ExpectCorpusAsNamed("bundle/testdata/bundle_manifest_corpus", 6,
                               [](const std::string& bytes) {
                                 return ddcrash::bundle::ParseBundle(bytes).ok();
                               });
}

}  // namespace
