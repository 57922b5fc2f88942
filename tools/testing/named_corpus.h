// The corpus test of a fuzzer whose seed files are named for what the reader must do with them:
// every input goes through the fuzzer body linked into the test (a crash or sanitizer report
// fails it), "good_*" inputs must be accepted and "bad_*" ones refused.
#ifndef DDCRASH_TOOLS_TESTING_NAMED_CORPUS_H_
#define DDCRASH_TOOLS_TESTING_NAMED_CORPUS_H_

#include <cstddef>
#include <string>

#include "absl/functional/function_ref.h"

namespace ddcrash {

// gtest expectations; fails when `dir` holds fewer than `min_files` files.
void ExpectCorpusAsNamed(const std::string& dir, size_t min_files,
                         absl::FunctionRef<bool(const std::string& bytes)> accepts);

}  // namespace ddcrash

#endif  // DDCRASH_TOOLS_TESTING_NAMED_CORPUS_H_
