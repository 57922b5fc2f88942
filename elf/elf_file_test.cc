#include "elf/elf_file.h"

#include <dirent.h>
#include <elf.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "elf/load_bias.h"
#include "elf/testing/elf_builder.h"
#include "gtest/gtest.h"

namespace ddcrash {
namespace {

using elf_testing::TestElfBuilder;

constexpr char kFixture[] = "elf/testdata/sample";
constexpr char kStripped[] = "elf/testdata/sample_stripped";

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
  for (const ElfSymbol& s : *symtab)
    found |= s.name == "_ZN6sample7RecurseEi" && s.type == STT_FUNC;
  EXPECT_TRUE(found);
  EXPECT_FALSE((*elf)->DebugLink().has_value());
  // A PIE: its first PT_LOAD is at vaddr 0, so the bias is where offset 0 is mapped.
  EXPECT_EQ((*elf)->type(), ET_DYN);
  absl::StatusOr<uint64_t> bias = ComputeLoadBias((*elf)->program_headers(), 0x555500000000, 0);
  ASSERT_TRUE(bias.ok()) << bias.status();
  EXPECT_EQ(*bias, 0x555500000000u);
}

TEST(ElfFileTest, StrippedCopyHasDebugLinkAndNoSymtab) {
  absl::StatusOr<std::unique_ptr<ElfFile>> elf = ElfFile::Open(kStripped);
  ASSERT_TRUE(elf.ok()) << elf.status();
  EXPECT_EQ((*elf)->FindSection(".symtab"), nullptr);
  EXPECT_FALSE((*elf)->ReadSymbols(SymbolTableKind::kSymtab).ok());
  std::optional<GnuDebugLink> link = (*elf)->DebugLink();
  ASSERT_TRUE(link.has_value());
  EXPECT_EQ(link->file_name, "sample_stripped.debug");
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

// Without O_NONBLOCK the open waits for a writer that never comes (the test times out).
TEST(ElfFileTest, AFifoIsRefusedWithoutWaiting) {
  const std::string fifo = std::string(getenv("TEST_TMPDIR")) + "/debug.fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  absl::StatusOr<std::unique_ptr<ElfFile>> elf = ElfFile::Open(fifo);
  EXPECT_EQ(elf.status().code(), absl::StatusCode::kInvalidArgument) << elf.status();
}

TEST(ElfFileTest, EveryTruncationOfARealFileFailsOrParsesCleanly) {
  absl::StatusOr<std::unique_ptr<ElfFile>> elf = ElfFile::Open(kStripped);
  ASSERT_TRUE(elf.ok());
  absl::StatusOr<std::string> bytes = (*elf)->ReadAt(0, (*elf)->file_size());
  ASSERT_TRUE(bytes.ok());
  int parsed = 0, rejected = 0;
  for (size_t n = 0; n < bytes->size(); n += (n < 4096 ? 7 : 997)) {
    absl::StatusOr<std::unique_ptr<ElfFile>> cut = ElfFile::FromBytes(bytes->substr(0, n));
    if (!cut.ok()) {
      ++rejected;
      continue;
    }
    ++parsed;
    // The section table is at the end: a cut copy keeps its program headers, loses sections.
    EXPECT_TRUE((*cut)->sections().empty()) << n;
    EXPECT_EQ((*cut)->program_headers().size(), (*elf)->program_headers().size()) << n;
    (*cut)->BuildId();
    (*cut)->DebugLink();
    (void)(*cut)->ReadSymbols(SymbolTableKind::kDynsym);
    for (const ElfSection& s : (*cut)->sections()) (void)(*cut)->ReadSection(s);
  }
  // Shorter than the header or the program header table: rejected; longer: parsed.
  EXPECT_GT(rejected, 0);
  EXPECT_GT(parsed, 0);
}

TEST(ElfFileTest, BuiltImageNotesSymbolsAndDebugLink) {
  TestElfBuilder builder;
  size_t note =
      builder.AddSection({".note.gnu.build-id", SHT_NOTE,
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

TEST(ElfFileTest, DebugLinkParserRejectsGarbage) {
  EXPECT_FALSE(ParseDebugLink("no-terminator").has_value());
  EXPECT_FALSE(ParseDebugLink(std::string("x\0", 2)).has_value());  // no CRC
  EXPECT_FALSE(ParseDebugLink(std::string("../x\0\0\0\0\1\2\3\4", 12)).has_value());
  std::optional<GnuDebugLink> link = ParseDebugLink(std::string("a.debug\0\x01\x02\x03\x04", 12));
  ASSERT_TRUE(link.has_value());
  EXPECT_EQ(link->file_name, "a.debug");
  EXPECT_EQ(link->crc, 0x04030201u);
}

TEST(ElfFileTest, BuildIdInAnEightByteAlignedNoteSection) {
  TestElfBuilder builder;
  std::string notes = TestElfBuilder::Note("GNU", NT_GNU_PROPERTY_TYPE_0, "\x01\x02\x03", 8) +
                      TestElfBuilder::Note("GNU", NT_GNU_BUILD_ID, "\x0a\x0b", 8);
  TestElfBuilder::Section section{".note.gnu.property", SHT_NOTE, notes};
  section.addralign = 8;
  builder.AddSection(section);
  absl::StatusOr<std::unique_ptr<ElfFile>> elf = ElfFile::FromBytes(builder.Build());
  ASSERT_TRUE(elf.ok()) << elf.status();
  EXPECT_EQ((*elf)->BuildId(), "\x0a\x0b");
}

TEST(ElfFileTest, TooManyProgramHeadersAreRefused) {
  TestElfBuilder builder;
  size_t text = builder.AddSection({".text", SHT_PROGBITS, "\xc3", 0x1000});
  for (int i = 0; i <= kMaxProgramHeaders; ++i) builder.AddSegmentForSection(PT_LOAD, text);
  EXPECT_FALSE(ElfFile::FromBytes(builder.Build()).ok());
}

// The fuzzer's seed corpus holds files that parse with broken contents and files rejected
// outright; the fuzzer itself replays it in //elf:elf_file_corpus_test.
TEST(ElfFileTest, CorpusHoldsParsedAndRejectedFiles) {
  const std::string dir = "elf/testdata/elf_file_corpus";
  DIR* d = opendir(dir.c_str());
  ASSERT_NE(d, nullptr);
  int files = 0, parsed = 0;
  while (struct dirent* entry = readdir(d)) {
    if (entry->d_name[0] == '.') continue;
    std::ifstream in(dir + "/" + entry->d_name, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    ++files;
    parsed += ElfFile::FromBytes(buffer.str()).ok();
  }
  closedir(d);
  EXPECT_GE(files, 10);
  EXPECT_GT(parsed, 0);
  EXPECT_LT(parsed, files);
}

}  // namespace
}  // namespace ddcrash
