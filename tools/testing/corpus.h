// Reading a test corpus: the seed inputs of a fuzzer (<package>/testdata/<stem>_corpus/, which
// tools/run_fuzzers.sh starts from) or any directory of crafted inputs a test replays.
#ifndef DDCRASH_TOOLS_TESTING_CORPUS_H_
#define DDCRASH_TOOLS_TESTING_CORPUS_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace ddcrash {

struct CorpusFile {
  std::string name;  // the file name, without the directory
  std::string bytes;
};

// Every file of `dir` (relative to the test's working directory, the runfiles root), sorted by
// name, dot files left out. Fails when the directory or a file cannot be read, or when it holds
// fewer than `min_files` files: a corpus test over nothing must not pass.
absl::StatusOr<std::vector<CorpusFile>> ReadCorpus(const std::string& dir, size_t min_files = 1);

}  // namespace ddcrash

#endif  // DDCRASH_TOOLS_TESTING_CORPUS_H_
