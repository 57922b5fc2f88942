// Reading an ELF image's headers and build id through a byte-reading callback: from a target
// process's memory (where the image is mapped) or from a file. Every byte is untrusted (it
// comes from a target process or a file it mapped), so every offset, size and count is
// checked before use (elf_header.h holds the limits).
#ifndef DDCRASH_ELF_IMAGE_READER_H_
#define DDCRASH_ELF_IMAGE_READER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "elf/elf_header.h"

namespace ddcrash {

// Most bytes of one PT_NOTE segment read.
inline constexpr size_t kMaxNoteSegmentSize = 64 * 1024;

// Reads `size` bytes at `where` (a file offset or an address), exactly or fails.
using ElfByteReader =
    absl::FunctionRef<absl::StatusOr<std::vector<uint8_t>>(uint64_t where, size_t size)>;

// Reads the header and program headers of an image whose file offset 0 is at `image_start`
// (an address when reading memory, 0 when reading a file). Fails when the image has no
// program headers (it cannot have been loaded).
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

#endif  // DDCRASH_ELF_IMAGE_READER_H_
