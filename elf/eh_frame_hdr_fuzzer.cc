// libFuzzer target for the .eh_frame_hdr parser. The input is the section's address (8 bytes,
// little-endian; the default address when shorter), then the section's bytes.
//   tools/run_fuzzers.sh   (corpus: elf/testdata/eh_frame_hdr_corpus, made by make_elf_corpus.py)
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "elf/eh_frame_hdr.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  uint64_t address = 0x400000;
  if (size >= 8) {
    std::memcpy(&address, data, 8);
    data += 8;
    size -= 8;
  }
  (void)ddcrash::ParseEhFrameHdr(absl::Span<const uint8_t>(data, size), address);
  return 0;
}
