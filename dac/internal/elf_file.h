// A minimal, careful ELF64 (x86-64, little-endian) reader for what hosting the DAC needs:
// the GNU build id of a file or of an image mapped in the target (parsed by //ptrace:elf_notes),
// one dynamic symbol's value, and a NUL-terminated string found by prefix (the runtime's
// "@(#)Version" stamp).
// Every offset and size read from the file is bounds-checked; a truncated or hostile file
// gives an error, never a crash.
#ifndef DDCRASH_DAC_INTERNAL_ELF_FILE_H_
#define DDCRASH_DAC_INTERNAL_ELF_FILE_H_

#include <elf.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "ptrace/process_memory.h"

namespace ddcrash::dac {

class ElfFile {
 public:
  static absl::StatusOr<ElfFile> Open(const std::string& path);

  ElfFile(ElfFile&&) noexcept;
  ElfFile& operator=(ElfFile&&) noexcept;
  ~ElfFile();

  const std::string& path() const { return path_; }
  uint16_t type() const { return header_.e_type; }  // ET_EXEC, ET_DYN
  // Page-aligned virtual address of the lowest PT_LOAD segment (where file offset 0 lands).
  uint64_t min_load_vaddr() const { return min_load_vaddr_; }

  // Raw bytes of the NT_GNU_BUILD_ID note; NotFound when the file has none.
  absl::StatusOr<std::string> BuildId() const;
  // st_value of a defined symbol in .dynsym; NotFound when absent.
  absl::StatusOr<uint64_t> FindDynamicSymbol(std::string_view name) const;
  // The first NUL-terminated string starting with `prefix`, at most `max_length` bytes long;
  // looked for in .data, then .rodata, then the whole file (at most 512 MiB of it).
  absl::StatusOr<std::string> FindString(std::string_view prefix, size_t max_length) const;

 private:
  ElfFile() = default;
  absl::Status ReadAt(uint64_t offset, void* out, size_t size) const;
  absl::StatusOr<std::string> ScanRange(uint64_t begin, uint64_t end, std::string_view prefix,
                                        size_t max_length) const;
  absl::StatusOr<std::string> ReadRange(uint64_t offset, uint64_t size, uint64_t limit) const;

  std::string path_;
  int fd_ = -1;
  uint64_t file_size_ = 0;
  Elf64_Ehdr header_{};
  std::vector<Elf64_Phdr> phdrs_;
  std::vector<Elf64_Shdr> shdrs_;  // empty when the file has no (valid) section headers
  uint64_t min_load_vaddr_ = 0;
};

// Build id of an ELF image mapped in the target at `base` (the address of its file offset 0),
// read from target memory: ELF header, program headers, PT_NOTE. NotFound when it has none.
absl::StatusOr<std::string> ReadBuildIdFromMemory(ProcessMemory& memory, uint64_t base);

// Lowercase hex of raw bytes ("a0699a6c…").
std::string HexString(std::string_view bytes);

}  // namespace ddcrash::dac

#endif  // DDCRASH_DAC_INTERNAL_ELF_FILE_H_
