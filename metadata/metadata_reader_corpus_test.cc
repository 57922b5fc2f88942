// Replays testdata/metadata_reader_corpus (the seed corpus of metadata_reader_fuzzer, real files and malformed
// variants) through the fuzz target: none may crash; "good_*" inputs must parse, "bad_*" not.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "metadata/metadata_reader.h"
#include "tools/testing/corpus.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

constexpr char kCorpus[] = "metadata/testdata/metadata_reader_corpus";

TEST(CorpusTest, EveryInputParsesOrFailsCleanly) {
  absl::StatusOr<std::vector<ddcrash::CorpusFile>> corpus = ddcrash::ReadCorpus(kCorpus, 5);
  ASSERT_TRUE(corpus.ok()) << corpus.status();
  for (const ddcrash::CorpusFile& file : *corpus) {
    const std::string& name = file.name;
    const std::string& bytes = file.bytes;
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    bool parsed = ddcrash::metadata::MetadataReader::Parse(bytes).ok();
    if (absl::StartsWith(name, "good_")) {
      EXPECT_TRUE(parsed) << name;
    }
    if (absl::StartsWith(name, "bad_")) {
      EXPECT_FALSE(parsed) << name;
    }
  }
}

}  // namespace
