// The one test ELF builder: small ELF64 images assembled in memory for tests of ELF readers.
// TestElfBuilder lays out sections (and program headers covering them) as a file;
// BuildTestElf makes a loadable image as the module map sees it in a target's memory.
#ifndef DDCRASH_ELF_TESTING_ELF_BUILDER_H_
#define DDCRASH_ELF_TESTING_ELF_BUILDER_H_

#include <elf.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace ddcrash::elf_testing {

class TestElfBuilder {
 public:
  struct Section {
    std::string name;
    uint32_t type = SHT_PROGBITS;
    std::string data;
    uint64_t addr = 0;
    uint32_t link = 0;
    uint64_t entsize = 0;
    uint64_t addralign = 0;
  };
  // Returns the section index (index 0 is the null section, the last .shstrtab).
  size_t AddSection(Section section) {
    sections_.push_back(std::move(section));
    return sections_.size();
  }
  // A program header covering section `index`'s bytes.
  void AddSegmentForSection(uint32_t type, size_t index) { segments_.push_back({type, index}); }

  std::string Build() const {
    std::string shstrtab(1, '\0');
    std::vector<uint32_t> name_offsets;
    for (const Section& s : sections_) {
      name_offsets.push_back(static_cast<uint32_t>(shstrtab.size()));
      shstrtab += s.name + '\0';
    }
    uint32_t shstrtab_name = static_cast<uint32_t>(shstrtab.size());
    shstrtab += std::string(".shstrtab") + '\0';

    std::string out(sizeof(Elf64_Ehdr) + segments_.size() * sizeof(Elf64_Phdr), '\0');
    std::vector<uint64_t> offsets;
    for (const Section& s : sections_) {
      while (out.size() % 8) out.push_back('\0');
      offsets.push_back(out.size());
      out += s.data;
    }
    uint64_t shstrtab_offset = out.size();
    out += shstrtab;
    while (out.size() % 8) out.push_back('\0');
    uint64_t shoff = out.size();

    std::vector<Elf64_Shdr> shdrs(sections_.size() + 2);
    std::memset(shdrs.data(), 0, shdrs.size() * sizeof(Elf64_Shdr));
    for (size_t i = 0; i < sections_.size(); ++i) {
      Elf64_Shdr& h = shdrs[i + 1];
      h.sh_name = name_offsets[i];
      h.sh_type = sections_[i].type;
      h.sh_flags = sections_[i].addr ? SHF_ALLOC : 0;
      h.sh_addr = sections_[i].addr;
      h.sh_offset = offsets[i];
      h.sh_size = sections_[i].data.size();
      h.sh_link = sections_[i].link;
      h.sh_entsize = sections_[i].entsize;
      h.sh_addralign = sections_[i].addralign;
    }
    Elf64_Shdr& last = shdrs.back();
    last.sh_name = shstrtab_name;
    last.sh_type = SHT_STRTAB;
    last.sh_offset = shstrtab_offset;
    last.sh_size = shstrtab.size();
    out.append(reinterpret_cast<const char*>(shdrs.data()), shdrs.size() * sizeof(Elf64_Shdr));

    Elf64_Ehdr ehdr;
    std::memset(&ehdr, 0, sizeof(ehdr));
    std::memcpy(ehdr.e_ident, ELFMAG, SELFMAG);
    ehdr.e_ident[EI_CLASS] = ELFCLASS64;
    ehdr.e_ident[EI_DATA] = ELFDATA2LSB;
    ehdr.e_ident[EI_VERSION] = EV_CURRENT;
    ehdr.e_type = ET_DYN;
    ehdr.e_machine = EM_X86_64;
    ehdr.e_version = EV_CURRENT;
    ehdr.e_phoff = segments_.empty() ? 0 : sizeof(Elf64_Ehdr);
    ehdr.e_shoff = shoff;
    ehdr.e_ehsize = sizeof(Elf64_Ehdr);
    ehdr.e_phentsize = sizeof(Elf64_Phdr);
    ehdr.e_phnum = static_cast<uint16_t>(segments_.size());
    ehdr.e_shentsize = sizeof(Elf64_Shdr);
    ehdr.e_shnum = static_cast<uint16_t>(shdrs.size());
    ehdr.e_shstrndx = static_cast<uint16_t>(shdrs.size() - 1);
    std::memcpy(out.data(), &ehdr, sizeof(ehdr));
    for (size_t i = 0; i < segments_.size(); ++i) {
      const Section& s = sections_[segments_[i].section - 1];
      Elf64_Phdr p;
      std::memset(&p, 0, sizeof(p));
      p.p_type = segments_[i].type;
      p.p_offset = offsets[segments_[i].section - 1];
      p.p_vaddr = s.addr;
      p.p_filesz = p.p_memsz = s.data.size();
      std::memcpy(out.data() + sizeof(Elf64_Ehdr) + i * sizeof(Elf64_Phdr), &p, sizeof(p));
    }
    return out;
  }

  // One note with its owner's terminating NUL, padded for an area aligned to `alignment`
  // (4, or 8 for ".note.gnu.property"-style areas; see elf/notes.h for the layout).
  static std::string Note(const std::string& owner, uint32_t type, const std::string& desc,
                          size_t alignment = 4) {
    std::string out;
    auto put32 = [&](uint32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); };
    put32(static_cast<uint32_t>(owner.size() + 1));
    put32(static_cast<uint32_t>(desc.size()));
    put32(type);
    out += owner + '\0';
    while (out.size() % alignment) out.push_back('\0');
    out += desc;
    while (out.size() % alignment) out.push_back('\0');
    return out;
  }

 private:
  struct Segment {
    uint32_t type;
    size_t section;
  };
  std::vector<Section> sections_;
  std::vector<Segment> segments_;
};

// An ELF64 x86-64 shared object of `size` bytes (at least one page): a file header, a PT_LOAD
// of the whole file at virtual address `vaddr`, and a PT_NOTE holding an NT_GNU_ABI_TAG note
// followed by an NT_GNU_BUILD_ID note with `build_id` (no build-id note when it is empty).
std::vector<uint8_t> BuildTestElf(uint64_t vaddr, const std::string& build_id,
                                  size_t size = 4096);

// Where BuildTestElf puts the program headers and the note segment.
inline constexpr uint64_t kTestElfPhoff = 64;
inline constexpr uint64_t kTestElfNotesOffset = 64 + 2 * 56;

}  // namespace ddcrash::elf_testing

#endif  // DDCRASH_ELF_TESTING_ELF_BUILDER_H_
