// Replays the createdump-argument fuzz corpus (and crashing inputs once added to it) as a
// regular test: every input parses or fails cleanly.
#include "cli/createdump_args.h"
#include "gtest/gtest.h"
#include "ptrace/process_info.h"
#include "tools/testing/corpus.h"

namespace ddcrash {
namespace {

TEST(CreatedumpArgsCorpusTest, EveryInputParsesOrFailsCleanly) {
  absl::StatusOr<std::vector<CorpusFile>> corpus =
      ReadCorpus("cli/testdata/createdump_args_corpus", 2);
  ASSERT_TRUE(corpus.ok()) << corpus.status();
  for (const CorpusFile& file : *corpus) {
    // The fuzzer's argv: NUL-separated.
    absl::StatusOr<CreatedumpArgs> args = ParseCreatedumpArgs(SplitNulSeparated(file.bytes));
    if (args.ok()) {
      EXPECT_GT(args->pid, 0) << file.name;
    }
  }
}

}  // namespace
}  // namespace ddcrash
