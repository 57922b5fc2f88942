// Replays testdata/metadata_reader_corpus (the seed corpus of metadata_reader_fuzzer, real files
// and malformed variants) through the fuzz target: none may crash; "good_*" inputs must parse,
// "bad_*" not.
#include <string>

#include "gtest/gtest.h"
#include "metadata/metadata_reader.h"
#include "tools/testing/named_corpus.h"

namespace {

TEST(CorpusTest, EveryInputParsesOrFailsCleanly) {
  ddcrash::ExpectCorpusAsNamed("metadata/testdata/metadata_reader_corpus", 5, [](const std::string& bytes) {
    return ddcrash::metadata::MetadataReader::Parse(bytes).ok();
  });
}

}  // namespace
