// The main() of a fuzzer's corpus test: runs the fuzzer's LLVMFuzzerTestOneInput, linked into
// the test, once on every file of the corpus directory given as the only argument. A crash or
// (under --config=asan) a sanitizer report fails the test; so does a missing or empty corpus,
// which would make the test pass without testing anything.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "tools/testing/corpus.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
    return 2;
  }
  absl::StatusOr<std::vector<ddcrash::CorpusFile>> corpus =
      ddcrash::ReadCorpus(argv[1]);
  if (!corpus.ok()) {
    std::fprintf(stderr, "FAIL: %s\n", std::string(corpus.status().message()).c_str());
    return 1;
  }
  for (const ddcrash::CorpusFile& file : *corpus) {
    std::fprintf(stderr, "%s (%zu bytes)\n", file.name.c_str(), file.bytes.size());
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(file.bytes.data()), file.bytes.size());
  }
  std::printf("PASS: %zu inputs of %s\n", corpus->size(), argv[1]);
  return 0;
}
