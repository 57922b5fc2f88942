// The little ELF parsing the module map needs: the file header, the program headers, the load
// bias and the GNU build id. Every input byte is untrusted (it comes from a target process or
// a file it mapped), so every offset, size and count is checked before use.
#ifndef DDCRASH_PTRACE_ELF_NOTES_H_
#define DDCRASH_PTRACE_ELF_NOTES_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace ddcrash {

// The fields of an ELF64 file header that locate the program headers.
struct ElfHeader {
  uint16_t type = 0;  // ET_EXEC, ET_DYN, ...
  uint16_t machine = 0;
  uint64_t phoff = 0;
  uint16_t phentsize = 0;
  uint16_t phnum = 0;
};

struct ElfProgramHeader {
  uint32_t type = 0;
  uint32_t flags = 0;
  uint64_t offset = 0;
  uint64_t vaddr = 0;
  uint64_t filesz = 0;
  uint64_t memsz = 0;
  uint64_t align = 0;
};

// Most program headers we accept; real files have a dozen or two.
inline constexpr uint16_t kMaxProgramHeaders = 256;
// Most bytes of one PT_NOTE segment we read.
inline constexpr size_t kMaxNoteSegmentSize = 64 * 1024;
// Largest build id we accept (real ones are 16 or 20 bytes).
inline constexpr size_t kMaxBuildIdSize = 64;

// True when `bytes` start with "\x7f" "ELF".
bool HasElfMagic(absl::Span<const uint8_t> bytes);

// Parses the ELF64 little-endian header at the start of `bytes` (at least 64 bytes).
absl::StatusOr<ElfHeader> ParseElfHeader(absl::Span<const uint8_t> bytes);

// Size of the program header table `header` describes.
size_t ProgramHeaderTableSize(const ElfHeader& header);

// Parses the program header table; `table` must hold ProgramHeaderTableSize(header) bytes.
absl::StatusOr<std::vector<ElfProgramHeader>> ParseProgramHeaders(
    const ElfHeader& header, absl::Span<const uint8_t> table);

// The load bias of an image given one of its mappings: `mapping_start` is where the file
// bytes at `mapping_offset` are mapped. Uses the PT_LOAD covering that offset; for the
// mapping at offset 0 this is base - p_vaddr of the first PT_LOAD. Fails when no PT_LOAD
// covers the offset.
absl::StatusOr<uint64_t> ComputeLoadBias(absl::Span<const ElfProgramHeader> headers,
                                         uint64_t mapping_start, uint64_t mapping_offset);

// The descriptor of the first NT_GNU_BUILD_ID note in a PT_NOTE segment's bytes, or empty.
// `alignment` is the segment's p_align (notes are padded to 4 or 8 bytes). Stops quietly at
// the first malformed note: a build id is optional information.
std::string FindGnuBuildId(absl::Span<const uint8_t> notes, uint64_t alignment);

// Reads `size` bytes at `where` (a file offset or an address), exactly or fails.
using ElfByteReader =
    absl::FunctionRef<absl::StatusOr<std::vector<uint8_t>>(uint64_t where, size_t size)>;

// Reads the header and program headers of an image whose file offset 0 is at `image_start`
// (an address when reading memory, 0 when reading a file).
absl::StatusOr<std::vector<ElfProgramHeader>> ReadProgramHeaders(ElfByteReader read,
                                                                  uint64_t image_start);

// Where PT_NOTE segments are found: by virtual address (load_bias + p_vaddr) in a mapped
// image, by file offset in a file.
enum class ElfLayout { kMemory, kFile };

// The GNU build id from the image's PT_NOTE segments; empty when it has none. Fails only when
// no note segment could be read at all.
absl::StatusOr<std::string> ReadBuildId(ElfByteReader read,
                                        absl::Span<const ElfProgramHeader> headers,
                                        ElfLayout layout, uint64_t load_bias);

}  // namespace ddcrash

#endif  // DDCRASH_PTRACE_ELF_NOTES_H_
