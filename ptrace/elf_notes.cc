#include "ptrace/elf_notes.h"

#include <elf.h>

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace ddcrash {
namespace {

// Little-endian loads from a span whose bounds the caller has checked.
template <typename T>
T Load(absl::Span<const uint8_t> bytes, size_t offset) {
  static_assert(std::is_trivially_copyable_v<T>);
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof(T));
  return value;  // x86-64 is little-endian, like the files we accept
}

uint64_t AlignUp(uint64_t value, uint64_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

constexpr uint64_t kPageSize = 4096;

}  // namespace

bool HasElfMagic(absl::Span<const uint8_t> bytes) {
  return bytes.size() >= SELFMAG && std::memcmp(bytes.data(), ELFMAG, SELFMAG) == 0;
}

absl::StatusOr<ElfHeader> ParseElfHeader(absl::Span<const uint8_t> bytes) {
  if (bytes.size() < sizeof(Elf64_Ehdr)) return absl::InvalidArgumentError("ELF header truncated");
  if (!HasElfMagic(bytes)) return absl::InvalidArgumentError("no ELF magic");
  if (bytes[EI_CLASS] != ELFCLASS64) return absl::InvalidArgumentError("not a 64-bit ELF file");
  if (bytes[EI_DATA] != ELFDATA2LSB) return absl::InvalidArgumentError("not a little-endian ELF file");
  Elf64_Ehdr ehdr = Load<Elf64_Ehdr>(bytes, 0);
  ElfHeader header;
  header.type = ehdr.e_type;
  header.machine = ehdr.e_machine;
  header.phoff = ehdr.e_phoff;
  header.phentsize = ehdr.e_phentsize;
  header.phnum = ehdr.e_phnum;
  if (header.phnum == 0) return absl::InvalidArgumentError("ELF file has no program headers");
  // PN_XNUM (more headers than fit) and absurd counts are not worth supporting.
  if (header.phnum > kMaxProgramHeaders) {
    return absl::InvalidArgumentError(absl::StrFormat("too many program headers (%d)", header.phnum));
  }
  if (header.phentsize < sizeof(Elf64_Phdr)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("program header entry size %d too small", header.phentsize));
  }
  if (header.phoff == 0 || header.phoff > UINT64_MAX - ProgramHeaderTableSize(header)) {
    return absl::InvalidArgumentError("bad program header offset");
  }
  return header;
}

size_t ProgramHeaderTableSize(const ElfHeader& header) {
  return static_cast<size_t>(header.phentsize) * header.phnum;
}

absl::StatusOr<std::vector<ElfProgramHeader>> ParseProgramHeaders(
    const ElfHeader& header, absl::Span<const uint8_t> table) {
  if (header.phentsize < sizeof(Elf64_Phdr) || table.size() < ProgramHeaderTableSize(header)) {
    return absl::InvalidArgumentError("program header table truncated");
  }
  std::vector<ElfProgramHeader> headers;
  headers.reserve(header.phnum);
  for (size_t i = 0; i < header.phnum; ++i) {
    Elf64_Phdr phdr = Load<Elf64_Phdr>(table, i * header.phentsize);
    ElfProgramHeader h;
    h.type = phdr.p_type;
    h.flags = phdr.p_flags;
    h.offset = phdr.p_offset;
    h.vaddr = phdr.p_vaddr;
    h.filesz = phdr.p_filesz;
    h.memsz = phdr.p_memsz;
    h.align = phdr.p_align;
    headers.push_back(h);
  }
  return headers;
}

absl::StatusOr<uint64_t> ComputeLoadBias(absl::Span<const ElfProgramHeader> headers,
                                         uint64_t mapping_start, uint64_t mapping_offset) {
  // Adjacent segments can share a file page, which then appears at two virtual addresses.
  // The loader starts each segment's mapping at the page holding its p_offset, so a segment
  // starting exactly at the mapping's offset is the one mapped there.
  const ElfProgramHeader* covering = nullptr;
  for (const ElfProgramHeader& h : headers) {
    if (h.type != PT_LOAD) continue;
    // Mappings start on page boundaries, so the segment's bytes are mapped from the page
    // holding p_offset to p_offset + p_filesz.
    uint64_t first = h.offset - h.offset % kPageSize;
    if (mapping_offset < first) continue;
    uint64_t head = h.offset - first;
    uint64_t last_delta = std::max<uint64_t>(h.filesz, 1) - 1;
    uint64_t limit = last_delta > UINT64_MAX - head ? UINT64_MAX : head + last_delta;
    if (mapping_offset - first > limit) continue;
    if (covering == nullptr || first == mapping_offset) covering = &h;
    if (first == mapping_offset) break;
  }
  if (covering != nullptr) {
    // The file byte at `mapping_offset` has this virtual address (unsigned wrap-around is
    // harmless: a corrupt header yields a wrong bias, never undefined behaviour).
    uint64_t vaddr = covering->vaddr - covering->offset + mapping_offset;
    return mapping_start - vaddr;
  }
  return absl::NotFoundError(
      absl::StrFormat("no PT_LOAD covers file offset 0x%x", mapping_offset));
}

std::string FindGnuBuildId(absl::Span<const uint8_t> notes, uint64_t alignment) {
  // ELF64 notes are 4-byte aligned, except in segments that declare 8 (gnu.property).
  const uint64_t align = alignment == 8 ? 8 : 4;
  uint64_t pos = 0;
  while (notes.size() >= 12 && pos <= notes.size() - 12) {
    uint32_t namesz = Load<uint32_t>(notes, pos);
    uint32_t descsz = Load<uint32_t>(notes, pos + 4);
    uint32_t type = Load<uint32_t>(notes, pos + 8);
    uint64_t name_pos = pos + 12;
    uint64_t desc_pos = name_pos + AlignUp(namesz, align);
    uint64_t next = desc_pos + AlignUp(descsz, align);
    // Sizes are 32-bit, so these sums cannot overflow 64 bits.
    if (desc_pos + descsz > notes.size()) break;
    if (type == NT_GNU_BUILD_ID && namesz == 4 &&
        std::memcmp(notes.data() + name_pos, "GNU", 4) == 0 && descsz > 0 &&
        descsz <= kMaxBuildIdSize) {
      return std::string(reinterpret_cast<const char*>(notes.data() + desc_pos), descsz);
    }
    pos = next;
  }
  return std::string();
}

absl::StatusOr<std::vector<ElfProgramHeader>> ReadProgramHeaders(ElfByteReader read,
                                                                  uint64_t image_start) {
  absl::StatusOr<std::vector<uint8_t>> ehdr_bytes = read(image_start, sizeof(Elf64_Ehdr));
  if (!ehdr_bytes.ok()) return ehdr_bytes.status();
  absl::StatusOr<ElfHeader> header = ParseElfHeader(*ehdr_bytes);
  if (!header.ok()) return header.status();
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
    std::string id = FindGnuBuildId(*bytes, h.align);
    if (!id.empty()) return id;
  }
  if (!any_read && last_error.code() != absl::StatusCode::kNotFound) return last_error;
  return std::string();
}

}  // namespace ddcrash
