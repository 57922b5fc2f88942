#include "elf/elf_header.h"

#include <elf.h>

#include <cstddef>
#include <vector>

#include "absl/status/status.h"
#include "elf/testing/elf_builder.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ddcrash {
namespace {

using elf_testing::BuildTestElf;
using elf_testing::kTestElfPhoff;

TEST(ElfHeaderTest, ParsesTheBuiltImage) {
  std::vector<uint8_t> image = BuildTestElf(0x400000, "\x01");
  absl::StatusOr<ElfHeader> header = ParseElfHeader(image);
  ASSERT_TRUE(header.ok()) << header.status();
  EXPECT_EQ(header->type, ET_DYN);
  EXPECT_EQ(header->machine, EM_X86_64);
  EXPECT_EQ(header->phoff, kTestElfPhoff);
  EXPECT_EQ(header->phnum, 2);
  absl::StatusOr<std::vector<ElfProgramHeader>> headers = ParseProgramHeaders(
      *header, absl::MakeSpan(image).subspan(kTestElfPhoff, ProgramHeaderTableSize(*header)));
  ASSERT_TRUE(headers.ok()) << headers.status();
  ASSERT_EQ(headers->size(), 2u);
  EXPECT_EQ((*headers)[0].type, static_cast<uint32_t>(PT_LOAD));
  EXPECT_EQ((*headers)[0].vaddr, 0x400000u);
  EXPECT_EQ((*headers)[1].type, static_cast<uint32_t>(PT_NOTE));
}

TEST(ElfHeaderTest, RejectsBadHeaders) {
  std::vector<uint8_t> good = BuildTestElf(0, "\x01");
  EXPECT_TRUE(ParseElfHeader(good).ok());
  EXPECT_FALSE(ParseElfHeader(absl::MakeSpan(good).subspan(0, 63)).ok());

  auto with = [&](size_t offset, std::vector<uint8_t> bytes) {
    std::vector<uint8_t> copy = good;
    std::copy(bytes.begin(), bytes.end(), copy.begin() + offset);
    return ParseElfHeader(copy).status();
  };
  EXPECT_THAT(with(0, {'M', 'Z'}).message(), ::testing::HasSubstr("magic"));
  EXPECT_THAT(with(EI_CLASS, {ELFCLASS32}).message(), ::testing::HasSubstr("64-bit"));
  EXPECT_THAT(with(EI_DATA, {ELFDATA2MSB}).message(), ::testing::HasSubstr("little-endian"));
  EXPECT_THAT(with(offsetof(Elf64_Ehdr, e_phnum), {0xff, 0xff}).message(),
              ::testing::HasSubstr("too many program headers"));
  static_assert(kMaxProgramHeaders == 0x100);
  EXPECT_THAT(with(offsetof(Elf64_Ehdr, e_phnum), {0x01, 0x01}).message(),
              ::testing::HasSubstr("too many program headers"));
  EXPECT_TRUE(with(offsetof(Elf64_Ehdr, e_phnum), {0x00, 0x01}).ok());
  EXPECT_FALSE(with(offsetof(Elf64_Ehdr, e_phentsize), {8, 0}).ok());
  EXPECT_FALSE(
      with(offsetof(Elf64_Ehdr, e_phoff), {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}).ok());
  EXPECT_FALSE(with(offsetof(Elf64_Ehdr, e_phoff), {0, 0, 0, 0, 0, 0, 0, 0}).ok());
}

TEST(ElfHeaderTest, AFileWithoutProgramHeadersHasAnEmptyTable) {
  // Relocatable objects have no program headers; their phoff and entry size do not matter.
  std::vector<uint8_t> image = BuildTestElf(0, "\x01");
  std::fill_n(image.begin() + offsetof(Elf64_Ehdr, e_phoff), 8, 0);
  std::fill_n(image.begin() + offsetof(Elf64_Ehdr, e_phentsize), 4, 0);  // and e_phnum
  absl::StatusOr<ElfHeader> header = ParseElfHeader(image);
  ASSERT_TRUE(header.ok()) << header.status();
  EXPECT_EQ(ProgramHeaderTableSize(*header), 0u);
  absl::StatusOr<std::vector<ElfProgramHeader>> headers = ParseProgramHeaders(*header, {});
  ASSERT_TRUE(headers.ok());
  EXPECT_TRUE(headers->empty());
}

TEST(ElfHeaderTest, ProgramHeaderTableMustBeComplete) {
  std::vector<uint8_t> image = BuildTestElf(0, "\x01");
  absl::StatusOr<ElfHeader> header = ParseElfHeader(image);
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(ProgramHeaderTableSize(*header), 2 * sizeof(Elf64_Phdr));
  absl::Span<const uint8_t> table = absl::MakeSpan(image).subspan(kTestElfPhoff);
  EXPECT_TRUE(ParseProgramHeaders(*header, table.subspan(0, 112)).ok());
  EXPECT_FALSE(ParseProgramHeaders(*header, table.subspan(0, 111)).ok());
}

TEST(ElfHeaderTest, HasElfMagic) {
  const uint8_t elf[] = {0x7f, 'E', 'L', 'F'};
  const uint8_t short_elf[] = {0x7f, 'E', 'L'};
  EXPECT_TRUE(HasElfMagic(elf));
  EXPECT_FALSE(HasElfMagic(short_elf));
}

}  // namespace
}  // namespace ddcrash
