#include "elf/elf_file.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "elf/byte_reader.h"
#include "elf/notes.h"

namespace ddcrash {

using elf_internal::RangeWithin;
using elf_internal::StringAt;

absl::StatusOr<std::unique_ptr<ElfFile>> ElfFile::Open(const std::string& path) {
  // O_NONBLOCK: a FIFO put under the name (after a caller's stat) must not block the open
  // waiting for a writer; it is refused below, and reads of a regular file ignore the flag.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    return absl::NotFoundError(absl::StrCat("open ", path, ": ", std::strerror(errno)));
  }
  std::unique_ptr<ElfFile> elf(new ElfFile());
  elf->fd_ = fd;  // owned from here on
  elf->path_ = path;
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    return absl::InternalError(absl::StrCat("fstat ", path, ": ", std::strerror(errno)));
  }
  if (!S_ISREG(st.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat(path, " is not a regular file"));
  }
  elf->file_size_ = static_cast<uint64_t>(st.st_size);
  absl::Status status = elf->Parse();
  if (!status.ok()) return status;
  return elf;
}

absl::StatusOr<std::unique_ptr<ElfFile>> ElfFile::FromBytes(std::string bytes) {
  std::unique_ptr<ElfFile> elf(new ElfFile());
  elf->file_size_ = bytes.size();
  elf->bytes_ = std::move(bytes);
  elf->path_ = "<memory>";
  absl::Status status = elf->Parse();
  if (!status.ok()) return status;
  return elf;
}

ElfFile::~ElfFile() {
  if (fd_ >= 0) ::close(fd_);
}

absl::Status ElfFile::ReadInto(uint64_t offset, void* out, uint64_t size) const {
  if (!RangeWithin(offset, size, file_size_)) {
    return absl::OutOfRangeError(
        absl::StrCat("range [", offset, ", +", size, ") outside file of ", file_size_, " bytes"));
  }
  if (fd_ < 0) {
    if (size > 0) std::memcpy(out, bytes_.data() + offset, size);
    return absl::OkStatus();
  }
  uint8_t* dst = static_cast<uint8_t*>(out);
  uint64_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(fd_, dst + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return absl::InternalError(absl::StrCat("pread ", path_, ": ", std::strerror(errno)));
    }
    if (n == 0) return absl::OutOfRangeError(absl::StrCat("file ", path_, " shrank"));
    done += static_cast<uint64_t>(n);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ElfFile::ReadAt(uint64_t offset, uint64_t size) const {
  if (size > kMaxReadSize) return absl::OutOfRangeError("read too large");
  if (!RangeWithin(offset, size, file_size_)) {
    return absl::OutOfRangeError(
        absl::StrCat("range [", offset, ", +", size, ") outside file of ", file_size_, " bytes"));
  }
  std::string out(size, '\0');
  absl::Status status = ReadInto(offset, out.data(), size);
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::string> ElfFile::ReadSection(const ElfSection& section) const {
  if (section.type == SHT_NOBITS) {
    return absl::FailedPreconditionError(absl::StrCat("section ", section.name, " has no bytes"));
  }
  return ReadAt(section.offset, section.size);
}

absl::Status ElfFile::Parse() {
  uint8_t ehdr_bytes[kElfHeaderSize];
  if (file_size_ < sizeof(ehdr_bytes)) return absl::InvalidArgumentError("file too small for ELF");
  absl::Status status = ReadInto(0, ehdr_bytes, sizeof(ehdr_bytes));
  if (!status.ok()) return status;
  absl::StatusOr<ElfHeader> header = ParseElfHeader(ehdr_bytes);
  if (!header.ok()) return header.status();
  const ElfHeader& ehdr = *header;
  type_ = ehdr.type;
  machine_ = ehdr.machine;

  // Program headers (ParseElfHeader bounded their count and entry size).
  if (ehdr.phnum != 0) {
    uint64_t table_size = ProgramHeaderTableSize(ehdr);
    if (!RangeWithin(ehdr.phoff, table_size, file_size_)) {
      return absl::InvalidArgumentError("program headers outside file");
    }
    // One read for the whole table: this runs for every module of every snapshot.
    absl::StatusOr<std::string> table = ReadAt(ehdr.phoff, table_size);
    if (!table.ok()) return table.status();
    absl::StatusOr<std::vector<ElfProgramHeader>> headers = ParseProgramHeaders(
        ehdr, absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(table->data()),
                                        table->size()));
    if (!headers.ok()) return headers.status();
    program_headers_ = *std::move(headers);
  }

  // Section headers. A file whose section headers are damaged is still usable through its
  // program headers (that is how it is loaded), so problems here only drop the sections.
  if (ehdr.shoff == 0 || ehdr.shentsize < sizeof(Elf64_Shdr)) return absl::OkStatus();
  uint64_t count = ehdr.shnum;
  Elf64_Shdr first;
  if (!ReadInto(ehdr.shoff, &first, sizeof(first)).ok()) return absl::OkStatus();
  if (count == 0) count = first.sh_size;  // extended numbering
  if (count == 0 || count > kMaxSections) return absl::OkStatus();
  if (!RangeWithin(ehdr.shoff, count * ehdr.shentsize, file_size_)) return absl::OkStatus();
  absl::StatusOr<std::string> table = ReadAt(ehdr.shoff, count * ehdr.shentsize);
  if (!table.ok()) return absl::OkStatus();
  std::vector<Elf64_Shdr> shdrs(count);
  for (uint64_t i = 0; i < count; ++i) {
    std::memcpy(&shdrs[i], table->data() + i * ehdr.shentsize, sizeof(Elf64_Shdr));
  }
  uint64_t shstrndx = ehdr.shstrndx;
  if (shstrndx == SHN_XINDEX) shstrndx = first.sh_link;
  std::string names;
  if (shstrndx < count && shdrs[shstrndx].sh_type != SHT_NOBITS &&
      shdrs[shstrndx].sh_size <= (uint64_t{64} << 20)) {
    absl::StatusOr<std::string> read = ReadAt(shdrs[shstrndx].sh_offset, shdrs[shstrndx].sh_size);
    if (read.ok()) names = std::move(*read);
  }
  sections_.reserve(count);
  for (const Elf64_Shdr& shdr : shdrs) {
    ElfSection section;
    section.name = std::string(StringAt(names, shdr.sh_name).value_or(""));
    section.type = shdr.sh_type;
    section.flags = shdr.sh_flags;
    section.addr = shdr.sh_addr;
    section.offset = shdr.sh_offset;
    section.size = shdr.sh_size;
    section.link = shdr.sh_link;
    section.info = shdr.sh_info;
    section.addralign = shdr.sh_addralign;
    section.entsize = shdr.sh_entsize;
    sections_.push_back(std::move(section));
  }
  return absl::OkStatus();
}

const ElfSection* ElfFile::FindSection(std::string_view name) const {
  for (const ElfSection& section : sections_) {
    if (section.name == name) return &section;
  }
  return nullptr;
}

std::string ElfFile::BuildId() const {
  constexpr uint64_t kMaxNoteArea = 1 << 20;
  for (const ElfProgramHeader& segment : program_headers_) {
    if (segment.type != PT_NOTE || segment.filesz > kMaxNoteArea) continue;
    absl::StatusOr<std::string> notes = ReadAt(segment.offset, segment.filesz);
    if (!notes.ok()) continue;
    std::string id = FindGnuBuildId(*notes, segment.align);
    if (!id.empty()) return id;
  }
  for (const ElfSection& section : sections_) {
    if (section.type != SHT_NOTE || section.size > kMaxNoteArea) continue;
    absl::StatusOr<std::string> notes = ReadSection(section);
    if (!notes.ok()) continue;
    std::string id = FindGnuBuildId(*notes, section.addralign);
    if (!id.empty()) return id;
  }
  return "";
}

std::optional<GnuDebugLink> ParseDebugLink(std::string_view contents) {
  size_t nul = contents.find('\0');
  if (nul == std::string_view::npos || nul == 0) return std::nullopt;
  uint64_t crc_at = (uint64_t{nul} + 1 + 3) & ~uint64_t{3};
  if (!RangeWithin(crc_at, 4, contents.size())) return std::nullopt;
  GnuDebugLink link;
  link.file_name = std::string(contents.substr(0, nul));
  if (link.file_name.find('/') != std::string::npos) return std::nullopt;  // a base name only
  std::memcpy(&link.crc, contents.data() + crc_at, 4);
  return link;
}

std::optional<GnuDebugLink> ElfFile::DebugLink() const {
  const ElfSection* section = FindSection(".gnu_debuglink");
  if (section == nullptr || section->size > 4096) return std::nullopt;
  absl::StatusOr<std::string> contents = ReadSection(*section);
  if (!contents.ok()) return std::nullopt;
  return ParseDebugLink(*contents);
}

absl::StatusOr<std::vector<ElfSymbol>> ElfFile::ReadSymbols(SymbolTableKind kind) const {
  const uint32_t wanted = kind == SymbolTableKind::kSymtab ? SHT_SYMTAB : SHT_DYNSYM;
  const ElfSection* table = nullptr;
  for (const ElfSection& section : sections_) {
    if (section.type == wanted) {
      table = &section;
      break;
    }
  }
  if (table == nullptr) return absl::NotFoundError("no symbol table");
  if (table->entsize != 0 && table->entsize != sizeof(Elf64_Sym)) {
    return absl::InvalidArgumentError("bad symbol entry size");
  }
  if (table->link >= sections_.size()) return absl::InvalidArgumentError("bad string table link");
  const ElfSection& strtab = sections_[table->link];
  if (strtab.type != SHT_STRTAB) return absl::InvalidArgumentError("linked section not STRTAB");
  absl::StatusOr<std::string> symbols = ReadSection(*table);
  if (!symbols.ok()) return symbols.status();
  absl::StatusOr<std::string> strings = ReadSection(strtab);
  if (!strings.ok()) return strings.status();

  std::vector<ElfSymbol> out;
  size_t count = symbols->size() / sizeof(Elf64_Sym);
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    Elf64_Sym sym;
    std::memcpy(&sym, symbols->data() + i * sizeof(Elf64_Sym), sizeof(sym));
    uint8_t type = ELF64_ST_TYPE(sym.st_info);
    if (type != STT_FUNC && type != STT_OBJECT && type != STT_NOTYPE && type != STT_GNU_IFUNC) {
      continue;
    }
    if (sym.st_shndx == SHN_UNDEF || sym.st_shndx == SHN_ABS) continue;
    std::optional<std::string_view> name = StringAt(*strings, sym.st_name);
    if (!name.has_value() || name->empty()) continue;
    // Local labels the assembler leaves behind (.L*) and mapping symbols carry no meaning.
    if (type == STT_NOTYPE && ((*name)[0] == '.' || (*name)[0] == '$')) continue;
    ElfSymbol symbol;
    symbol.name = std::string(*name);
    symbol.value = sym.st_value;
    symbol.size = sym.st_size;
    symbol.type = type;
    symbol.bind = ELF64_ST_BIND(sym.st_info);
    symbol.shndx = sym.st_shndx;
    out.push_back(std::move(symbol));
  }
  return out;
}

std::optional<ElfProgramHeader> ElfFile::EhFrameHdrSegment() const {
  for (const ElfProgramHeader& segment : program_headers_) {
    if (segment.type == PT_GNU_EH_FRAME) return segment;
  }
  if (const ElfSection* section = FindSection(".eh_frame_hdr");
      section != nullptr && section->type != SHT_NOBITS) {
    ElfProgramHeader segment;
    segment.type = PT_GNU_EH_FRAME;
    segment.offset = section->offset;
    segment.vaddr = section->addr;
    segment.filesz = section->size;
    segment.memsz = section->size;
    return segment;
  }
  return std::nullopt;
}

}  // namespace ddcrash
