// Replays the scrubber fuzzer's corpus (and its findings, once added to it): no input may
// crash the scrubber or let a secret planted after it through.
#include <dirent.h>

#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "report/scrubber_fuzz_target.h"

namespace ddcrash {
namespace {

TEST(ScrubberCorpusTest, EveryInputIsScrubbedWithoutLeaking) {
  const std::string dir = "report/testdata/scrubber_corpus";
  DIR* d = opendir(dir.c_str());
  ASSERT_NE(d, nullptr) << dir;
  int files = 0;
  while (dirent* entry = readdir(d)) {
    if (entry->d_name[0] == '.') continue;
    std::ifstream in(dir + "/" + entry->d_name, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    EXPECT_TRUE(ScrubUntrustedBytes(bytes.str())) << entry->d_name;
    ++files;
  }
  closedir(d);
  EXPECT_GE(files, 12);
}

}  // namespace
}  // namespace ddcrash
