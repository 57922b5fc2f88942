#include "elf/testing/elf_builder.h"

#include <elf.h>

#include <cstring>

#include "gtest/gtest.h"

namespace ddcrash::elf_testing {
namespace {

TEST(ElfBuilderTest, BuildsTheDocumentedLayout) {
  std::vector<uint8_t> image = BuildTestElf(0x400000, "\x01\x02\x03");
  ASSERT_EQ(image.size(), 4096u);
  Elf64_Ehdr ehdr;
  std::memcpy(&ehdr, image.data(), sizeof(ehdr));
  EXPECT_EQ(std::memcmp(ehdr.e_ident, ELFMAG, SELFMAG), 0);
  EXPECT_EQ(ehdr.e_phoff, kTestElfPhoff);
  EXPECT_EQ(ehdr.e_phnum, 2);
  Elf64_Phdr load, note;
  std::memcpy(&load, image.data() + kTestElfPhoff, sizeof(load));
  std::memcpy(&note, image.data() + kTestElfPhoff + sizeof(load), sizeof(note));
  EXPECT_EQ(load.p_type, static_cast<uint32_t>(PT_LOAD));
  EXPECT_EQ(load.p_vaddr, 0x400000u);
  EXPECT_EQ(note.p_type, static_cast<uint32_t>(PT_NOTE));
  EXPECT_EQ(note.p_offset, kTestElfNotesOffset);
  // ABI tag note (12 + 4 + 16 bytes), then the build id note (12 + 4 + 3 padded to 4).
  EXPECT_EQ(note.p_filesz, 32u + 20u);
  uint32_t type;
  std::memcpy(&type, image.data() + kTestElfNotesOffset + 32 + 8, 4);
  EXPECT_EQ(type, static_cast<uint32_t>(NT_GNU_BUILD_ID));
  EXPECT_EQ(std::memcmp(image.data() + kTestElfNotesOffset + 32 + 16, "\x01\x02\x03", 3), 0);
  EXPECT_EQ(BuildTestElf(0, "", 8192).size(), 8192u);
}

TEST(ElfBuilderTest, SectionsSegmentsAndNotes) {
  TestElfBuilder builder;
  size_t text = builder.AddSection({".text", SHT_PROGBITS, "\x90\xc3", 0x1000});
  builder.AddSegmentForSection(PT_LOAD, text);
  std::string image = builder.Build();
  Elf64_Ehdr ehdr;
  std::memcpy(&ehdr, image.data(), sizeof(ehdr));
  EXPECT_EQ(ehdr.e_phnum, 1);
  EXPECT_EQ(ehdr.e_shnum, 3);  // null, .text, .shstrtab
  Elf64_Phdr load;
  std::memcpy(&load, image.data() + ehdr.e_phoff, sizeof(load));
  EXPECT_EQ(load.p_vaddr, 0x1000u);
  EXPECT_EQ(load.p_filesz, 2u);
  EXPECT_EQ(image.substr(load.p_offset, 2), "\x90\xc3");

  // Notes: name and descriptor padded to the area's alignment.
  EXPECT_EQ(TestElfBuilder::Note("GNU", 3, "\x01").size(), 12u + 4u + 4u);
  EXPECT_EQ(TestElfBuilder::Note("GNU", 3, "\x01", 8).size(), 12u + 4u + 8u);
  EXPECT_EQ(TestElfBuilder::Note("Go", 4, "\x01", 8).size(), 12u + 4u + 8u);
}

}  // namespace
}  // namespace ddcrash::elf_testing
