// The ELF64 file header and program header table, parsed from untrusted bytes (a file or a
// target's memory). The one place that decides which headers are acceptable: every limit on
// counts, sizes and offsets is here.
#ifndef DDCRASH_ELF_ELF_HEADER_H_
#define DDCRASH_ELF_ELF_HEADER_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace ddcrash {

// The fields of an ELF64 file header the readers use.
struct ElfHeader {
  uint16_t type = 0;  // ET_EXEC, ET_DYN, ...
  uint16_t machine = 0;
  uint64_t phoff = 0;
  uint16_t phentsize = 0;
  uint16_t phnum = 0;  // 0: no program header table (phoff is then ignored)
  uint64_t shoff = 0;
  uint16_t shentsize = 0;
  uint16_t shnum = 0;
  uint16_t shstrndx = 0;
};

// One program header (segment).
struct ElfProgramHeader {
  uint32_t type = 0;  // PT_*
  uint32_t flags = 0;
  uint64_t offset = 0;
  uint64_t vaddr = 0;
  uint64_t filesz = 0;
  uint64_t memsz = 0;
  uint64_t align = 0;
};

// Most program headers accepted; real files have a dozen or two. (PN_XNUM, the escape to a
// count in section 0, is far above it and so is refused too.)
inline constexpr uint16_t kMaxProgramHeaders = 256;
// Size of the ELF64 file header: the bytes ParseElfHeader needs.
inline constexpr size_t kElfHeaderSize = 64;

// True when `bytes` start with "\x7f" "ELF".
bool HasElfMagic(absl::Span<const uint8_t> bytes);

// Parses the ELF64 little-endian header at the start of `bytes` (at least kElfHeaderSize
// bytes) and checks the program header table it describes: at most kMaxProgramHeaders
// entries of at least the ELF64 entry size, at an offset whose table end does not overflow.
absl::StatusOr<ElfHeader> ParseElfHeader(absl::Span<const uint8_t> bytes);

// Size of the program header table `header` describes.
size_t ProgramHeaderTableSize(const ElfHeader& header);

// Parses the program header table; `table` must hold ProgramHeaderTableSize(header) bytes.
absl::StatusOr<std::vector<ElfProgramHeader>> ParseProgramHeaders(const ElfHeader& header,
                                                                  absl::Span<const uint8_t> table);

}  // namespace ddcrash

#endif  // DDCRASH_ELF_ELF_HEADER_H_
