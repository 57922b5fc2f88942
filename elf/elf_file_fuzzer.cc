// libFuzzer target for ElfFile: parses the input as an ELF file and exercises every reader of
// its untrusted bytes that production uses (headers, sections, program headers, symbol
// tables, the build id, .gnu_debuglink, the .eh_frame_hdr it points at).
//   tools/run_fuzzers.sh   (corpus: elf/testdata/elf_file_corpus, made by make_elf_corpus.py)
#include <cstddef>
#include <cstdint>
#include <string>

#include "elf/eh_frame_hdr.h"
#include "elf/elf_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  // The debuglink parser also sees the raw input.
  ddcrash::ParseDebugLink(bytes);
  absl::StatusOr<std::unique_ptr<ddcrash::ElfFile>> elf =
      ddcrash::ElfFile::FromBytes(std::move(bytes));
  if (!elf.ok()) return 0;
  (*elf)->BuildId();
  (*elf)->DebugLink();
  (*elf)->FindSection(".text");
  for (const ddcrash::ElfSection& section : (*elf)->sections()) {
    if (section.size <= (1 << 20)) (void)(*elf)->ReadSection(section);
  }
  for (ddcrash::SymbolTableKind kind :
       {ddcrash::SymbolTableKind::kSymtab, ddcrash::SymbolTableKind::kDynsym}) {
    (void)(*elf)->ReadSymbols(kind);
  }
  if (std::optional<ddcrash::ElfProgramHeader> segment = (*elf)->EhFrameHdrSegment();
      segment.has_value() && segment->filesz <= (1 << 20)) {
    absl::StatusOr<std::string> hdr = (*elf)->ReadAt(segment->offset, segment->filesz);
    if (hdr.ok()) {
      (void)ddcrash::ParseEhFrameHdr(
          absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(hdr->data()), hdr->size()),
          segment->vaddr);
    }
  }
  return 0;
}
