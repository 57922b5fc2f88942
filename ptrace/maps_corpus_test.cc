// Replays testdata/maps_corpus (malformed and odd /proc/PID/maps inputs, also the seed corpus
// of maps_fuzzer): each must parse or fail cleanly, as its name says.
#include <dirent.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "ptrace/maps.h"

namespace ddcrash {
namespace {

constexpr char kCorpus[] = "ptrace/testdata/maps_corpus";

TEST(MapsCorpusTest, EveryInputParsesOrFailsAsNamed) {
  DIR* dir = opendir(kCorpus);
  ASSERT_NE(dir, nullptr) << "missing " << kCorpus;
  std::vector<std::string> names;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') names.push_back(entry->d_name);
  }
  closedir(dir);
  ASSERT_GE(names.size(), 10u);
  for (const std::string& name : names) {
    std::ifstream in(std::string(kCorpus) + "/" + name, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    absl::StatusOr<std::vector<Mapping>> maps = ParseMaps(text.str());
    // "bad_*" inputs must be rejected, "good_*" ones accepted.
    if (absl::StartsWith(name, "bad_")) {
      EXPECT_FALSE(maps.ok()) << name;
      EXPECT_TRUE(absl::IsInvalidArgument(maps.status())) << name << ": " << maps.status();
    } else {
      EXPECT_TRUE(maps.ok()) << name << ": " << maps.status();
    }
  }
}

}  // namespace
}  // namespace ddcrash
