// libFuzzer target for reading an image's headers, load bias and build id as the module map
// does: the input is an image read both as a file and as if mapped at its virtual addresses.
//   tools/run_fuzzers.sh   (corpus: elf/testdata/image_reader_corpus)
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "elf/image_reader.h"
#include "elf/load_bias.h"
#include "elf/notes.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::Span<const uint8_t> image(data, size);
  auto read = [&](uint64_t where, size_t n) -> absl::StatusOr<std::vector<uint8_t>> {
    if (where > image.size() || n > image.size() - where) {
      return absl::OutOfRangeError("outside the input");
    }
    return std::vector<uint8_t>(image.begin() + where, image.begin() + where + n);
  };
  absl::StatusOr<std::vector<ddcrash::ElfProgramHeader>> headers =
      ddcrash::ReadProgramHeaders(read, 0);
  if (!headers.ok()) return 0;
  ddcrash::ReadBuildId(read, *headers, ddcrash::ElfLayout::kFile, 0).IgnoreError();
  absl::StatusOr<uint64_t> bias = ddcrash::ComputeLoadBias(*headers, 0, 0);
  if (bias.ok()) {
    ddcrash::ReadBuildId(read, *headers, ddcrash::ElfLayout::kMemory, *bias).IgnoreError();
  }
  ddcrash::FindGnuBuildId(std::string_view(reinterpret_cast<const char*>(data), size),
                          size % 2 == 0 ? 8 : 4);
  return 0;
}
