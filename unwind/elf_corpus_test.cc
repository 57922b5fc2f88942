// Replays the malformed ELF corpus through the fuzz target: each file must parse or be
// rejected, never crash (run under --config=asan for memory errors).
#include <dirent.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "unwind/elf_fuzz_target.h"

namespace ddcrash {
namespace {

TEST(ElfCorpusTest, EveryFileParsesOrFailsCleanly) {
  const std::string dir = "unwind/testdata/elf_corpus";
  DIR* d = opendir(dir.c_str());
  ASSERT_NE(d, nullptr);
  std::vector<std::string> files;
  while (struct dirent* entry = readdir(d)) {
    if (entry->d_name[0] != '.') files.push_back(dir + "/" + entry->d_name);
  }
  closedir(d);
  ASSERT_GE(files.size(), 10u);
  int parsed = 0;
  for (const std::string& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    std::string bytes = buffer.str();
    SCOPED_TRACE(file);
    parsed += FuzzElfBytes(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  }
  // Some inputs have valid headers and broken contents; some are rejected outright.
  EXPECT_GT(parsed, 0);
  EXPECT_LT(parsed, static_cast<int>(files.size()));
}

}  // namespace
}  // namespace ddcrash
