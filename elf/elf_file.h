// A read-only view of one ELF64 (x86-64 or any little-endian) file: headers, sections,
// program headers, symbols, the build id, .gnu_debuglink. Every offset and size read from the
// file is validated; a truncated or corrupt file yields an error, never a crash.
//
// Files are read with pread(2) on a descriptor the ElfFile owns and closes exactly once; nothing
// is ever mmap'd, so there is no mapping whose lifetime could go wrong (compare libunwind issue
// #738, a double munmap of a non-ELF image). FromBytes() parses an in-memory copy instead (fuzzers,
// images read from target memory).
#ifndef DDCRASH_ELF_ELF_FILE_H_
#define DDCRASH_ELF_ELF_FILE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "elf/elf_header.h"

namespace ddcrash {

struct ElfSection {
  std::string name;
  uint32_t type = 0;  // SHT_*
  uint64_t flags = 0;
  uint64_t addr = 0;  // virtual address when loaded (SHF_ALLOC), else 0
  uint64_t offset = 0;
  uint64_t size = 0;
  uint32_t link = 0;
  uint32_t info = 0;
  uint64_t addralign = 0;
  uint64_t entsize = 0;
};

struct ElfSymbol {
  std::string name;
  uint64_t value = 0;
  uint64_t size = 0;
  uint8_t type = 0;  // STT_*
  uint8_t bind = 0;  // STB_*
  uint16_t shndx = 0;
};

struct GnuDebugLink {
  std::string file_name;
  uint32_t crc = 0;
};

enum class SymbolTableKind { kSymtab, kDynsym };

class ElfFile {
 public:
  // Limits that keep a corrupt file from making us allocate without bound.
  // (The program header limit is elf_header.h's kMaxProgramHeaders.)
  static constexpr uint64_t kMaxSections = 1 << 16;
  static constexpr uint64_t kMaxReadSize = uint64_t{1} << 30;

  static absl::StatusOr<std::unique_ptr<ElfFile>> Open(const std::string& path);
  static absl::StatusOr<std::unique_ptr<ElfFile>> FromBytes(std::string bytes);

  ~ElfFile();
  ElfFile(const ElfFile&) = delete;
  ElfFile& operator=(const ElfFile&) = delete;

  const std::string& path() const { return path_; }
  uint64_t file_size() const { return file_size_; }
  uint16_t type() const { return type_; }        // ET_EXEC, ET_DYN, ...
  uint16_t machine() const { return machine_; }  // EM_X86_64, ...

  const std::vector<ElfProgramHeader>& program_headers() const { return program_headers_; }
  // Empty when the file has no (valid) section headers.
  const std::vector<ElfSection>& sections() const { return sections_; }
  const ElfSection* FindSection(std::string_view name) const;

  // Raw bytes of [offset, offset + size) of the file.
  absl::StatusOr<std::string> ReadAt(uint64_t offset, uint64_t size) const;
  // The contents of a section (fails for SHT_NOBITS and out-of-file ranges).
  absl::StatusOr<std::string> ReadSection(const ElfSection& section) const;

  // NT_GNU_BUILD_ID descriptor bytes (notes.h), from PT_NOTE segments or SHT_NOTE sections;
  // empty if none.
  std::string BuildId() const;
  std::optional<GnuDebugLink> DebugLink() const;

  // Function and object symbols with a non-empty name, defined in some section.
  absl::StatusOr<std::vector<ElfSymbol>> ReadSymbols(SymbolTableKind kind) const;

  // The PT_GNU_EH_FRAME segment, or the .eh_frame_hdr section as a segment-like record.
  std::optional<ElfProgramHeader> EhFrameHdrSegment() const;

 private:
  ElfFile() = default;
  absl::Status Parse();
  absl::Status ReadInto(uint64_t offset, void* out, uint64_t size) const;

  std::string path_;
  int fd_ = -1;          // owned; closed once in the destructor
  std::string bytes_;    // in-memory image when fd_ < 0
  uint64_t file_size_ = 0;
  uint16_t type_ = 0;
  uint16_t machine_ = 0;
  std::vector<ElfProgramHeader> program_headers_;
  std::vector<ElfSection> sections_;
};

// Reads `.gnu_debuglink` contents: a NUL-terminated file name, padding to 4, a CRC-32.
std::optional<GnuDebugLink> ParseDebugLink(std::string_view contents);

}  // namespace ddcrash

#endif  // DDCRASH_ELF_ELF_FILE_H_
