#include "tools/testing/named_corpus.h"

#include <cstdint>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "tools/testing/corpus.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace ddcrash {

void ExpectCorpusAsNamed(const std::string& dir, size_t min_files,
                         absl::FunctionRef<bool(const std::string& bytes)> accepts) {
  absl::StatusOr<std::vector<CorpusFile>> corpus = ReadCorpus(dir, min_files);
  ASSERT_TRUE(corpus.ok()) << corpus.status();
  for (const CorpusFile& file : *corpus) {
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(file.bytes.data()), file.bytes.size());
    if (absl::StartsWith(file.name, "good_")) {
      EXPECT_TRUE(accepts(file.bytes)) << file.name;
    }
    if (absl::StartsWith(file.name, "bad_")) {
      EXPECT_FALSE(accepts(file.bytes)) << file.name;
    }
  }
}

}  // namespace ddcrash
