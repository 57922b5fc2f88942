#include "unwind/elf_file.h"

#include <elf.h>

#include <string>

#include "gtest/gtest.h"
#include "unwind/test_elf_builder.h"

namespace ddcrash {
namespace {

constexpr char kFixture[] = "unwind/testdata/fixture";
constexpr char kStripped[] = "unwind/testdata/fixture_stripped";

TEST(ElfFileTest, ReadsCompiledFixture) {
  absl::StatusOr<std::unique_ptr<ElfFile>> elf = ElfFile::Open(kFixture);
  ASSERT_TRUE(elf.ok()) << elf.status();
  EXPECT_EQ((*elf)->machine(), EM_X86_64);
  EXPECT_EQ((*elf)->BuildId().size(), 20u);  // GNU ld's default sha1 build id
  EXPECT_NE((*elf)->FindSection(".symtab"), nullptr);
  EXPECT_NE((*elf)->FindSection(".eh_frame"), nullptr);
  ASSERT_TRUE((*elf)->EhFrameHdrSegment().has_value());
  absl::StatusOr<std::vector<ElfSymbol>> symtab = (*elf)->ReadSymbols(SymbolTableKind::kSymtab);
  ASSERT_TRUE(symtab.ok());
  bool found = false;
  for (const ElfSymbol& s : *symtab) found |= s.name == "_ZN7fixture7RecurseEi" && s.type == STT_FUNC;
  EXPECT_TRUE(found);
  EXPECT_FALSE((*elf)->DebugLink().has_value());
  // File offset 0 is loaded at the first PT_LOAD's vaddr (0 for a PIE).
  ASSERT_TRUE((*elf)->VaddrForFileOffset(0).has_value());
}

TEST(ElfFileTest, StrippedCopyHasDebugLinkAndNoSymtab) {
  absl::StatusOr<std::unique_ptr<ElfFile>> elf = ElfFile::Open(kStripped);
  ASSERT_TRUE(elf.ok()) << elf.status();
  EXPECT_EQ((*elf)->FindSection(".symtab"), nullptr);
  EXPECT_FALSE((*elf)->ReadSymbols(SymbolTableKind::kSymtab).ok());
  std::optional<GnuDebugLink> link = (*elf)->DebugLink();
  ASSERT_TRUE(link.has_value());
  EXPECT_EQ(link->file_name, "fixture_stripped.debug");
  absl::StatusOr<std::unique_ptr<ElfFile>> original = ElfFile::Open(kFixture);
  ASSERT_TRUE(original.ok());
  EXPECT_EQ((*elf)->BuildId(), (*original)->BuildId());
}

TEST(ElfFileTest, RealSystemLibrary) {
  absl::StatusOr<std::unique_ptr<ElfFile>> elf = ElfFile::Open("/lib/x86_64-linux-gnu/libc.so.6");
  ASSERT_TRUE(elf.ok()) << elf.status();
  EXPECT_FALSE((*elf)->BuildId().empty());
  absl::StatusOr<std::vector<ElfSymbol>> dynsym = (*elf)->ReadSymbols(SymbolTableKind::kDynsym);
  ASSERT_TRUE(dynsym.ok());
  EXPECT_GT(dynsym->size(), 1000u);
}

TEST(ElfFileTest, Errors) {
  EXPECT_EQ(ElfFile::Open("/nonexistent/file").status().code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(ElfFile::Open("/proc/self").ok());  // a directory
  EXPECT_FALSE(ElfFile::FromBytes("MZ\x90\x00 not an elf").ok());
  EXPECT_FALSE(ElfFile::FromBytes("").ok());
}

TEST(ElfFileTest, EveryTruncationOfARealFileFailsOrParsesCleanly) {
  absl::StatusOr<std::unique_ptr<ElfFile>> elf = ElfFile::Open(kStripped);
  ASSERT_TRUE(elf.ok());
  absl::StatusOr<std::string> bytes = (*elf)->ReadAt(0, (*elf)->file_size());
  ASSERT_TRUE(bytes.ok());
  for (size_t n = 0; n < bytes->size(); n += (n < 4096 ? 7 : 997)) {
    absl::StatusOr<std::unique_ptr<ElfFile>> cut = ElfFile::FromBytes(bytes->substr(0, n));
    if (!cut.ok()) continue;
    (*cut)->BuildId();
    (*cut)->DebugLink();
    (void)(*cut)->ReadSymbols(SymbolTableKind::kDynsym);
    for (const ElfSection& s : (*cut)->sections()) (void)(*cut)->ReadSection(s);
  }
}

TEST(ElfFileTest, BuiltImageNotesSymbolsAndDebugLink) {
  TestElfBuilder builder;
  size_t note = builder.AddSection({".note.gnu.build-id", SHT_NOTE,
                                    TestElfBuilder::Note("GNU", NT_GNU_BUILD_ID, "\x01\x02\x03\x04")});
  builder.AddSegmentForSection(PT_NOTE, note);
  std::string link("app.debug\0\0\0", 12);
  uint32_t crc = 0xdeadbeef;
  link.append(reinterpret_cast<const char*>(&crc), 4);
  builder.AddSection({".gnu_debuglink", SHT_PROGBITS, link});
  std::string strtab("\0func\0", 6);
  size_t strtab_index = builder.AddSection({".strtab", SHT_STRTAB, strtab});
  Elf64_Sym syms[2] = {};
  syms[1].st_name = 1;
  syms[1].st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC);
  syms[1].st_shndx = 1;
  syms[1].st_value = 0x1234;
  syms[1].st_size = 0x10;
  builder.AddSection({".symtab", SHT_SYMTAB,
                      std::string(reinterpret_cast<const char*>(syms), sizeof(syms)), 0,
                      static_cast<uint32_t>(strtab_index), sizeof(Elf64_Sym)});
  absl::StatusOr<std::unique_ptr<ElfFile>> elf = ElfFile::FromBytes(builder.Build());
  ASSERT_TRUE(elf.ok()) << elf.status();
  EXPECT_EQ((*elf)->BuildId(), "\x01\x02\x03\x04");
  ASSERT_TRUE((*elf)->DebugLink().has_value());
  EXPECT_EQ((*elf)->DebugLink()->file_name, "app.debug");
  EXPECT_EQ((*elf)->DebugLink()->crc, 0xdeadbeefu);
  absl::StatusOr<std::vector<ElfSymbol>> symbols = (*elf)->ReadSymbols(SymbolTableKind::kSymtab);
  ASSERT_TRUE(symbols.ok()) << symbols.status();
  ASSERT_EQ(symbols->size(), 1u);
  EXPECT_EQ((*symbols)[0].name, "func");
  EXPECT_EQ((*symbols)[0].value, 0x1234u);
}

TEST(ElfFileTest, NoteAndDebugLinkParsersRejectGarbage) {
  EXPECT_FALSE(FindNote("", "GNU", NT_GNU_BUILD_ID).has_value());
  std::string huge_name("\xff\xff\xff\x7f\x04\x00\x00\x00\x03\x00\x00\x00GNU\0", 16);
  EXPECT_FALSE(FindNote(huge_name, "GNU", NT_GNU_BUILD_ID).has_value());
  std::string huge_desc("\x04\x00\x00\x00\xff\xff\xff\xff\x03\x00\x00\x00GNU\0", 16);
  EXPECT_FALSE(FindNote(huge_desc, "GNU", NT_GNU_BUILD_ID).has_value());
  EXPECT_FALSE(ParseDebugLink("no-terminator").has_value());
  EXPECT_FALSE(ParseDebugLink(std::string("x\0", 2)).has_value());  // no CRC
  EXPECT_FALSE(ParseDebugLink(std::string("../x\0\0\0\0\1\2\3\4", 12)).has_value());
}

}  // namespace
}  // namespace ddcrash
