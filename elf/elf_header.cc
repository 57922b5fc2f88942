#include "elf/elf_header.h"

#include <elf.h>

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "elf/byte_reader.h"

namespace ddcrash {

static_assert(kElfHeaderSize == sizeof(Elf64_Ehdr));

bool HasElfMagic(absl::Span<const uint8_t> bytes) {
  return bytes.size() >= SELFMAG && std::memcmp(bytes.data(), ELFMAG, SELFMAG) == 0;
}

absl::StatusOr<ElfHeader> ParseElfHeader(absl::Span<const uint8_t> bytes) {
  if (bytes.size() < sizeof(Elf64_Ehdr)) return absl::InvalidArgumentError("ELF header truncated");
  if (!HasElfMagic(bytes)) return absl::InvalidArgumentError("no ELF magic");
  if (bytes[EI_CLASS] != ELFCLASS64) return absl::InvalidArgumentError("not a 64-bit ELF file");
  if (bytes[EI_DATA] != ELFDATA2LSB) {
    return absl::InvalidArgumentError("not a little-endian ELF file");
  }
  // x86-64 is little-endian, like the files accepted.
  Elf64_Ehdr ehdr;
  std::memcpy(&ehdr, bytes.data(), sizeof(ehdr));
  ElfHeader header;
  header.type = ehdr.e_type;
  header.machine = ehdr.e_machine;
  header.phoff = ehdr.e_phoff;
  header.phentsize = ehdr.e_phentsize;
  header.phnum = ehdr.e_phnum;
  header.shoff = ehdr.e_shoff;
  header.shentsize = ehdr.e_shentsize;
  header.shnum = ehdr.e_shnum;
  header.shstrndx = ehdr.e_shstrndx;
  if (header.phnum == 0) return header;
  if (header.phnum > kMaxProgramHeaders) {
    return absl::InvalidArgumentError(
        absl::StrFormat("too many program headers (%d)", header.phnum));
  }
  if (header.phentsize < sizeof(Elf64_Phdr)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("program header entry size %d too small", header.phentsize));
  }
  if (header.phoff == 0 ||
      !elf_internal::RangeWithin(header.phoff, ProgramHeaderTableSize(header), UINT64_MAX)) {
    return absl::InvalidArgumentError("bad program header offset");
  }
  return header;
}

size_t ProgramHeaderTableSize(const ElfHeader& header) {
  return static_cast<size_t>(header.phentsize) * header.phnum;
}

absl::StatusOr<std::vector<ElfProgramHeader>> ParseProgramHeaders(const ElfHeader& header,
                                                                  absl::Span<const uint8_t> table) {
  if (header.phnum == 0) return std::vector<ElfProgramHeader>();
  if (header.phentsize < sizeof(Elf64_Phdr) || table.size() < ProgramHeaderTableSize(header)) {
    return absl::InvalidArgumentError("program header table truncated");
  }
  std::vector<ElfProgramHeader> headers;
  headers.reserve(header.phnum);
  for (size_t i = 0; i < header.phnum; ++i) {
    Elf64_Phdr phdr;
    std::memcpy(&phdr, table.data() + i * header.phentsize, sizeof(phdr));
    headers.push_back(ElfProgramHeader{phdr.p_type, phdr.p_flags, phdr.p_offset, phdr.p_vaddr,
                                       phdr.p_filesz, phdr.p_memsz, phdr.p_align});
  }
  return headers;
}

}  // namespace ddcrash
