// Replays testdata/portable_pdb_corpus (the seed corpus of portable_pdb_fuzzer, real files and malformed
// variants) through the fuzz target: none may crash; "good_*" inputs must parse, "bad_*" not.
#include <dirent.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "pdb/portable_pdb.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

constexpr char kCorpus[] = "pdb/testdata/portable_pdb_corpus";

TEST(CorpusTest, EveryInputParsesOrFailsCleanly) {
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
    bool parsed = ddcrash::pdb::PortablePdb::FromBytes(bytes).ok();
    if (absl::StartsWith(name, "good_")) {
      EXPECT_TRUE(parsed) << name;
    }
    if (absl::StartsWith(name, "bad_")) {
      EXPECT_FALSE(parsed) << name;
    }
  }
}

}  // namespace
