// libFuzzer entry point for the ELF parsers. Build and run:
//   bazel --output_base=/root/.cache/bazel-unwind build --config=fuzz //unwind:elf_fuzzer
//   bazel-bin/unwind/elf_fuzzer -runs=20000 unwind/testdata/elf_corpus
#include <cstddef>
#include <cstdint>

#include "unwind/elf_fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ddcrash::FuzzElfBytes(data, size);
  return 0;
}
