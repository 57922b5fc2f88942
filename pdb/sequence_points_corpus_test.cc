// Replays testdata/sequence_points_corpus (the seed corpus of sequence_points_fuzzer) through
// the fuzz target: none may crash, "good_*" inputs must decode.
#include <dirent.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "pdb/sequence_points.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

constexpr char kCorpus[] = "pdb/testdata/sequence_points_corpus";

TEST(CorpusTest, EveryInputDecodesOrFailsCleanly) {
  DIR* dir = opendir(kCorpus);
  ASSERT_NE(dir, nullptr) << "missing " << kCorpus;
  std::vector<std::string> names;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') names.push_back(entry->d_name);
  }
  closedir(dir);
  ASSERT_GE(names.size(), 5u);
  for (const std::string& name : names) {
    std::ifstream in(std::string(kCorpus) + "/" + name, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    std::string bytes = s.str();
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    if (absl::StartsWith(name, "good_")) {
      EXPECT_TRUE(ddcrash::pdb::DecodeSequencePoints(bytes.substr(1), bytes[0] % 4, 3).ok()) << name;
    }
  }
}

}  // namespace
