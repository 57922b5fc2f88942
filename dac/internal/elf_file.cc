#include "dac/internal/elf_file.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "ptrace/elf_notes.h"

namespace ddcrash::dac {
namespace {

constexpr uint64_t kPageSize = 4096;
constexpr size_t kMaxProgramHeaders = 512;
constexpr size_t kMaxSectionHeaders = 65535;
constexpr uint64_t kMaxDynsymSize = 64ull << 20;
constexpr uint64_t kMaxScanSize = 512ull << 20;

absl::Status CheckHeader(const Elf64_Ehdr& h, const std::string& what) {
  if (std::memcmp(h.e_ident, ELFMAG, SELFMAG) != 0) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": not an ELF file"));
  }
  if (h.e_ident[EI_CLASS] != ELFCLASS64 || h.e_ident[EI_DATA] != ELFDATA2LSB) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": not a 64-bit little-endian ELF"));
  }
  if (h.e_phnum > 0 && h.e_phentsize != sizeof(Elf64_Phdr)) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": bad program header size"));
  }
  if (h.e_phnum > kMaxProgramHeaders) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": too many program headers"));
  }
  return absl::OkStatus();
}

uint64_t MinLoadVaddr(const std::vector<Elf64_Phdr>& phdrs) {
  uint64_t min = UINT64_MAX;
  for (const Elf64_Phdr& p : phdrs) {
    if (p.p_type == PT_LOAD) min = std::min(min, p.p_vaddr);
  }
  return min == UINT64_MAX ? 0 : (min & ~(kPageSize - 1));
}

}  // namespace

std::string HexString(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

ElfFile::ElfFile(ElfFile&& o) noexcept { *this = std::move(o); }

ElfFile& ElfFile::operator=(ElfFile&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) close(fd_);
    path_ = std::move(o.path_);
    fd_ = std::exchange(o.fd_, -1);
    file_size_ = o.file_size_;
    header_ = o.header_;
    phdrs_ = std::move(o.phdrs_);
    shdrs_ = std::move(o.shdrs_);
    min_load_vaddr_ = o.min_load_vaddr_;
  }
  return *this;
}

ElfFile::~ElfFile() {
  if (fd_ >= 0) close(fd_);
}

absl::Status ElfFile::ReadAt(uint64_t offset, void* out, size_t size) const {
  if (offset > file_size_ || size > file_size_ - offset) {
    return absl::OutOfRangeError(absl::StrCat(path_, ": truncated (wanted ", size,
                                              " bytes at offset ", offset, ", file has ",
                                              file_size_, ")"));
  }
  size_t done = 0;
  while (done < size) {
    ssize_t n = pread(fd_, static_cast<char*>(out) + done, size - done,
                      static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return absl::ErrnoToStatus(errno, absl::StrCat("pread ", path_));
    if (n == 0) return absl::OutOfRangeError(absl::StrCat(path_, ": unexpected end of file"));
    done += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ElfFile::ReadRange(uint64_t offset, uint64_t size,
                                               uint64_t limit) const {
  if (size > limit) return absl::InvalidArgumentError(absl::StrCat(path_, ": section too large"));
  std::string out(size, '\0');
  absl::Status s = ReadAt(offset, out.data(), size);
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<ElfFile> ElfFile::Open(const std::string& path) {
  ElfFile f;
  f.path_ = path;
  f.fd_ = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (f.fd_ < 0) return absl::ErrnoToStatus(errno, absl::StrCat("open ", path));
  struct stat st;
  if (fstat(f.fd_, &st) != 0) return absl::ErrnoToStatus(errno, absl::StrCat("fstat ", path));
  if (!S_ISREG(st.st_mode)) return absl::InvalidArgumentError(absl::StrCat(path, ": not a file"));
  f.file_size_ = static_cast<uint64_t>(st.st_size);
  if (absl::Status s = f.ReadAt(0, &f.header_, sizeof(f.header_)); !s.ok()) return s;
  if (absl::Status s = CheckHeader(f.header_, path); !s.ok()) return s;
  f.phdrs_.resize(f.header_.e_phnum);
  if (!f.phdrs_.empty()) {
    absl::Status s =
        f.ReadAt(f.header_.e_phoff, f.phdrs_.data(), f.phdrs_.size() * sizeof(Elf64_Phdr));
    if (!s.ok()) return s;
  }
  f.min_load_vaddr_ = MinLoadVaddr(f.phdrs_);
  // Section headers are optional (stripped files may lack them); ignore them when invalid.
  if (f.header_.e_shnum > 0 && f.header_.e_shnum <= kMaxSectionHeaders &&
      f.header_.e_shentsize == sizeof(Elf64_Shdr)) {
    std::vector<Elf64_Shdr> shdrs(f.header_.e_shnum);
    if (f.ReadAt(f.header_.e_shoff, shdrs.data(), shdrs.size() * sizeof(Elf64_Shdr)).ok()) {
      f.shdrs_ = std::move(shdrs);
    }
  }
  return f;
}

absl::StatusOr<std::string> ElfFile::BuildId() const {
  auto read = [this](uint64_t where, size_t size) -> absl::StatusOr<std::vector<uint8_t>> {
    std::vector<uint8_t> out(size);
    absl::Status s = ReadAt(where, out.data(), size);
    if (!s.ok()) return s;
    return out;
  };
  absl::StatusOr<std::vector<ElfProgramHeader>> headers = ReadProgramHeaders(read, 0);
  if (!headers.ok()) return headers.status();
  absl::StatusOr<std::string> id = ReadBuildId(read, *headers, ElfLayout::kFile, 0);
  if (!id.ok()) return id.status();
  if (id->empty()) return absl::NotFoundError(absl::StrCat(path_, ": no GNU build id"));
  return id;
}

absl::StatusOr<uint64_t> ElfFile::FindDynamicSymbol(std::string_view name) const {
  for (const Elf64_Shdr& s : shdrs_) {
    if (s.sh_type != SHT_DYNSYM) continue;
    if (s.sh_entsize != sizeof(Elf64_Sym) || s.sh_link >= shdrs_.size()) {
      return absl::InvalidArgumentError(absl::StrCat(path_, ": malformed .dynsym"));
    }
    const Elf64_Shdr& strtab = shdrs_[s.sh_link];
    absl::StatusOr<std::string> syms = ReadRange(s.sh_offset, s.sh_size, kMaxDynsymSize);
    if (!syms.ok()) return syms.status();
    absl::StatusOr<std::string> strs = ReadRange(strtab.sh_offset, strtab.sh_size, kMaxDynsymSize);
    if (!strs.ok()) return strs.status();
    size_t count = syms->size() / sizeof(Elf64_Sym);
    for (size_t i = 0; i < count; ++i) {
      Elf64_Sym sym;
      std::memcpy(&sym, syms->data() + i * sizeof(Elf64_Sym), sizeof(sym));
      if (sym.st_name >= strs->size() || sym.st_shndx == SHN_UNDEF) continue;
      const char* sym_name = strs->data() + sym.st_name;
      size_t max = strs->size() - sym.st_name;
      size_t len = strnlen(sym_name, max);
      if (len == max) continue;  // not terminated inside the table
      if (std::string_view(sym_name, len) == name) return sym.st_value;
    }
  }
  return absl::NotFoundError(absl::StrCat(path_, ": no dynamic symbol ", std::string(name)));
}

absl::StatusOr<std::string> ElfFile::ScanRange(uint64_t begin, uint64_t end,
                                               std::string_view prefix,
                                               size_t max_length) const {
  if (end > file_size_) end = file_size_;
  if (begin >= end) return absl::NotFoundError("empty range");
  if (end - begin > kMaxScanSize) end = begin + kMaxScanSize;
  constexpr uint64_t kChunk = 1 << 20;
  const uint64_t overlap = prefix.size() + max_length;
  std::string buffer;
  for (uint64_t at = begin; at < end; at += kChunk) {
    uint64_t size = std::min<uint64_t>(kChunk + overlap, end - at);
    buffer.resize(size);
    if (absl::Status s = ReadAt(at, buffer.data(), size); !s.ok()) return s;
    size_t hit = std::string_view(buffer).find(prefix);
    if (hit != std::string_view::npos && hit < kChunk) {
      size_t stop = std::min<size_t>(buffer.size(), hit + max_length);
      size_t nul = buffer.find('\0', hit);
      if (nul == std::string::npos || nul > stop) {
        return absl::InvalidArgumentError(absl::StrCat(
            path_, ": string starting with '", std::string(prefix), "' is not terminated"));
      }
      return buffer.substr(hit, nul - hit);
    }
  }
  return absl::NotFoundError("not in range");
}

absl::StatusOr<std::string> ElfFile::FindString(std::string_view prefix, size_t max_length) const {
  // Look in the data sections first (the runtime's version stamp is a writable char array in
  // .data; string literals live in .rodata), then in the whole file.
  if (header_.e_shstrndx < shdrs_.size()) {
    const Elf64_Shdr& names = shdrs_[header_.e_shstrndx];
    absl::StatusOr<std::string> strs = ReadRange(names.sh_offset, names.sh_size, kMaxDynsymSize);
    if (strs.ok()) {
      for (const char* wanted : {".data", ".rodata"}) {
        for (const Elf64_Shdr& s : shdrs_) {
          if (s.sh_type != SHT_PROGBITS || s.sh_name >= strs->size()) continue;
          const char* name = strs->data() + s.sh_name;
          if (strnlen(name, strs->size() - s.sh_name) == strs->size() - s.sh_name) continue;
          if (std::strcmp(name, wanted) != 0) continue;
          if (s.sh_offset > file_size_) continue;
          absl::StatusOr<std::string> hit =
              ScanRange(s.sh_offset, s.sh_offset + std::min(s.sh_size, file_size_ - s.sh_offset),
                        prefix, max_length);
          if (hit.ok() || !absl::IsNotFound(hit.status())) return hit;
        }
      }
    }
  }
  absl::StatusOr<std::string> hit = ScanRange(0, file_size_, prefix, max_length);
  if (hit.ok() || !absl::IsNotFound(hit.status())) return hit;
  return absl::NotFoundError(
      absl::StrCat(path_, ": no string starting with '", std::string(prefix), "'"));
}

absl::StatusOr<std::string> ReadBuildIdFromMemory(ProcessMemory& memory, uint64_t base) {
  auto read = [&memory](uint64_t where, size_t size) -> absl::StatusOr<std::vector<uint8_t>> {
    std::vector<uint8_t> out(size);
    absl::Status s = memory.ReadExact(where, absl::MakeSpan(out));
    if (!s.ok()) return s;
    return out;
  };
  absl::StatusOr<std::vector<ElfProgramHeader>> headers = ReadProgramHeaders(read, base);
  if (!headers.ok()) return headers.status();
  absl::StatusOr<uint64_t> bias = ComputeLoadBias(*headers, base, 0);
  if (!bias.ok()) return bias.status();
  absl::StatusOr<std::string> id = ReadBuildId(read, *headers, ElfLayout::kMemory, *bias);
  if (!id.ok()) return id.status();
  if (id->empty()) {
    return absl::NotFoundError(absl::StrCat("no GNU build id in the image at 0x", absl::Hex(base)));
  }
  return id;
}

}  // namespace ddcrash::dac
