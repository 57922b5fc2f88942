// Replays testdata/pe_image_corpus (the seed corpus of pe_image_fuzzer, real files and malformed
// variants) through the fuzz target: none may crash; "good_*" inputs must parse, "bad_*" not.
#include <string>

#include "gtest/gtest.h"
#include "pe/pe_image.h"
#include "tools/testing/named_corpus.h"

namespace {

TEST(CorpusTest, EveryInputParsesOrFailsCleanly) {
  ddcrash::ExpectCorpusAsNamed("pe/testdata/pe_image_corpus", 5, [](const std::string& bytes) {
    return ddcrash::pe::PeImage::FromBytes(bytes).ok();
  });
}

}  // namespace
