#include "elf/image_reader.h"

#include <elf.h>

#include <algorithm>
#include <string_view>

#include "absl/status/status.h"
#include "elf/notes.h"

namespace ddcrash {

absl::StatusOr<std::vector<ElfProgramHeader>> ReadProgramHeaders(ElfByteReader read,
                                                                 uint64_t image_start) {
  absl::StatusOr<std::vector<uint8_t>> ehdr_bytes = read(image_start, kElfHeaderSize);
  if (!ehdr_bytes.ok()) return ehdr_bytes.status();
  absl::StatusOr<ElfHeader> header = ParseElfHeader(*ehdr_bytes);
  if (!header.ok()) return header.status();
  if (header->phnum == 0) return absl::InvalidArgumentError("ELF image has no program headers");
  if (header->phoff > UINT64_MAX - image_start) {
    return absl::InvalidArgumentError("bad program header offset");
  }
  absl::StatusOr<std::vector<uint8_t>> table =
      read(image_start + header->phoff, ProgramHeaderTableSize(*header));
  if (!table.ok()) return table.status();
  return ParseProgramHeaders(*header, *table);
}

absl::StatusOr<std::string> ReadBuildId(ElfByteReader read,
                                        absl::Span<const ElfProgramHeader> headers,
                                        ElfLayout layout, uint64_t load_bias) {
  absl::Status last_error = absl::NotFoundError("no PT_NOTE segment");
  bool any_read = false;
  for (const ElfProgramHeader& h : headers) {
    if (h.type != PT_NOTE || h.filesz == 0) continue;
    uint64_t where = layout == ElfLayout::kMemory ? load_bias + h.vaddr : h.offset;
    size_t size = static_cast<size_t>(std::min<uint64_t>(h.filesz, kMaxNoteSegmentSize));
    absl::StatusOr<std::vector<uint8_t>> bytes = read(where, size);
    if (!bytes.ok()) {
      last_error = bytes.status();
      continue;
    }
    any_read = true;
    std::string id = FindGnuBuildId(
        std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()), h.align);
    if (!id.empty()) return id;
  }
  if (!any_read && last_error.code() != absl::StatusCode::kNotFound) return last_error;
  return std::string();
}

}  // namespace ddcrash
