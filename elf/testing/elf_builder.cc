#include "elf/testing/elf_builder.h"

#include <elf.h>

#include <algorithm>
#include <cstring>

namespace ddcrash::elf_testing {
std::vector<uint8_t> BuildTestElf(uint64_t vaddr, const std::string& build_id, size_t size) {
  std::string notes = TestElfBuilder::Note(
      "GNU", NT_GNU_ABI_TAG, std::string("\0\0\0\0\3\0\0\0\2\0\0\0\0\0\0\0", 16));
  if (!build_id.empty()) notes += TestElfBuilder::Note("GNU", NT_GNU_BUILD_ID, build_id);

  std::vector<uint8_t> image(std::max<size_t>(size, kTestElfNotesOffset + notes.size()));
  Elf64_Ehdr ehdr{};
  std::memcpy(ehdr.e_ident, ELFMAG, SELFMAG);
  ehdr.e_ident[EI_CLASS] = ELFCLASS64;
  ehdr.e_ident[EI_DATA] = ELFDATA2LSB;
  ehdr.e_ident[EI_VERSION] = EV_CURRENT;
  ehdr.e_type = ET_DYN;
  ehdr.e_machine = EM_X86_64;
  ehdr.e_version = EV_CURRENT;
  ehdr.e_phoff = kTestElfPhoff;
  ehdr.e_ehsize = sizeof(Elf64_Ehdr);
  ehdr.e_phentsize = sizeof(Elf64_Phdr);
  ehdr.e_phnum = 2;
  std::memcpy(image.data(), &ehdr, sizeof(ehdr));

  Elf64_Phdr load{};
  load.p_type = PT_LOAD;
  load.p_flags = PF_R | PF_X;
  load.p_offset = 0;
  load.p_vaddr = vaddr;
  load.p_paddr = vaddr;
  load.p_filesz = image.size();
  load.p_memsz = image.size();
  load.p_align = 4096;
  Elf64_Phdr note{};
  note.p_type = PT_NOTE;
  note.p_flags = PF_R;
  note.p_offset = kTestElfNotesOffset;
  note.p_vaddr = vaddr + kTestElfNotesOffset;
  note.p_paddr = note.p_vaddr;
  note.p_filesz = notes.size();
  note.p_memsz = notes.size();
  note.p_align = 4;
  std::memcpy(image.data() + kTestElfPhoff, &load, sizeof(load));
  std::memcpy(image.data() + kTestElfPhoff + sizeof(load), &note, sizeof(note));
  std::memcpy(image.data() + kTestElfNotesOffset, notes.data(), notes.size());
  return image;
}

}  // namespace ddcrash::elf_testing
