// Replays testdata/portable_pdb_corpus (the seed corpus of portable_pdb_fuzzer, real files and
// malformed variants) through the fuzz target: none may crash; "good_*" inputs must parse,
// "bad_*" not.
#include <string>

#include "gtest/gtest.h"
#include "pdb/portable_pdb.h"
#include "tools/testing/named_corpus.h"

namespace {

TEST(CorpusTest, EveryInputParsesOrFailsCleanly) {
  ddcrash::ExpectCorpusAsNamed("pdb/testdata/portable_pdb_corpus", 5, [](const std::string& bytes) {
    return ddcrash::pdb::PortablePdb::FromBytes(bytes).ok();
  });
}

}  // namespace
