#include "unwind/elf_fuzz_target.h"

#include <string>

#include "unwind/debug_file.h"
#include "unwind/eh_frame_hdr.h"
#include "unwind/elf_file.h"
#include "unwind/symbol_table.h"

namespace ddcrash {

bool FuzzElfBytes(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  // The note and debuglink parsers also see the raw input.
  FindNote(bytes, "GNU", 3);
  ParseDebugLink(bytes);
  absl::StatusOr<std::unique_ptr<ElfFile>> elf = ElfFile::FromBytes(std::move(bytes));
  if (!elf.ok()) return false;
  (*elf)->BuildId();
  (*elf)->DebugLink();
  (*elf)->FindSection(".text");
  (*elf)->VaddrForFileOffset(0);
  (*elf)->VaddrForFileOffset(0x1000);
  for (const ElfSection& section : (*elf)->sections()) {
    if (section.size <= (1 << 20)) (void)(*elf)->ReadSection(section);
  }
  SymbolTable table;
  for (SymbolTableKind kind : {SymbolTableKind::kSymtab, SymbolTableKind::kDynsym}) {
    absl::StatusOr<std::vector<ElfSymbol>> symbols = (*elf)->ReadSymbols(kind);
    if (symbols.ok()) table.Add(std::move(*symbols));
  }
  table.Finish();
  table.Lookup(0x1000);
  if (std::optional<ElfSegment> segment = (*elf)->EhFrameHdrSegment();
      segment.has_value() && segment->filesz <= (1 << 20)) {
    absl::StatusOr<std::string> hdr_bytes = (*elf)->ReadAt(segment->offset, segment->filesz);
    if (hdr_bytes.ok()) {
      absl::Span<const uint8_t> span(reinterpret_cast<const uint8_t*>(hdr_bytes->data()),
                                     hdr_bytes->size());
      absl::StatusOr<EhFrameHdr> hdr = ParseEhFrameHdr(span, segment->vaddr);
      if (hdr.ok()) {
        LookupFdeAddress(span, *hdr, segment->vaddr, segment->vaddr);
        LookupFdeAddress(span, *hdr, segment->vaddr, 0x1000);
      }
    }
  }
  return true;
}

}  // namespace ddcrash
