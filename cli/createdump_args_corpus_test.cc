// Replays the createdump-argument fuzz corpus (and crashing inputs once added to it) as a
// regular test: every input parses or fails cleanly.
#include <dirent.h>

#include <fstream>
#include <sstream>
#include <string>

#include "cli/createdump_args.h"
#include "gtest/gtest.h"
#include "ptrace/process_info.h"

namespace ddcrash {
namespace {

TEST(CreatedumpArgsCorpusTest, EveryInputParsesOrFailsCleanly) {
  const std::string dir = "cli/testdata/createdump_args_corpus";
  DIR* d = opendir(dir.c_str());
  ASSERT_NE(d, nullptr) << dir;
  int files = 0;
  while (dirent* entry = readdir(d)) {
    if (entry->d_name[0] == '.') continue;
    std::ifstream in(dir + "/" + entry->d_name, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    // The fuzzer's argv: NUL-separated.
    absl::StatusOr<CreatedumpArgs> args = ParseCreatedumpArgs(SplitNulSeparated(bytes.str()));
    if (args.ok()) {
      EXPECT_GT(args->pid, 0) << entry->d_name;
    }
    ++files;
  }
  closedir(d);
  EXPECT_GE(files, 2);
}

}  // namespace
}  // namespace ddcrash
