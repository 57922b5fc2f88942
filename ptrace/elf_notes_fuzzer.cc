// libFuzzer target for the ELF header, program header and note parsing: the input is an
// image read both as a file and as if mapped at its virtual addresses.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "ptrace/elf_notes.h"

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
  ddcrash::FindGnuBuildId(image, size % 2 == 0 ? 8 : 4);
  return 0;
}
