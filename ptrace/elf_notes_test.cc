#include "ptrace/elf_notes.h"

#include <dirent.h>
#include <elf.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ptrace/internal/elf_builder.h"

namespace ddcrash {
namespace {

using ptrace_internal::BuildTestElf;
using ptrace_internal::kTestElfNotesOffset;
using ptrace_internal::kTestElfPhoff;

// A reader over an in-memory image, addressed by file offset.
struct SpanReader {
  absl::Span<const uint8_t> image;
  absl::StatusOr<std::vector<uint8_t>> operator()(uint64_t where, size_t n) const {
    if (where > image.size() || n > image.size() - where) {
      return absl::OutOfRangeError("outside the image");
    }
    return std::vector<uint8_t>(image.begin() + where, image.begin() + where + n);
  }
};

TEST(ElfNotesTest, ReadsHeadersBiasAndBuildIdFromAFile) {
  std::vector<uint8_t> image = BuildTestElf(0x400000, "\x01\x02\x03\x04\xaa\xbb");
  SpanReader read{image};
  absl::StatusOr<std::vector<ElfProgramHeader>> headers = ReadProgramHeaders(read, 0);
  ASSERT_TRUE(headers.ok()) << headers.status();
  ASSERT_EQ(headers->size(), 2u);
  EXPECT_EQ((*headers)[0].type, static_cast<uint32_t>(PT_LOAD));
  EXPECT_EQ((*headers)[0].vaddr, 0x400000u);
  EXPECT_EQ((*headers)[1].type, static_cast<uint32_t>(PT_NOTE));

  absl::StatusOr<uint64_t> bias = ComputeLoadBias(*headers, 0x7f0000400000, 0);
  ASSERT_TRUE(bias.ok());
  EXPECT_EQ(*bias, 0x7f0000000000u);

  absl::StatusOr<std::string> id = ReadBuildId(read, *headers, ElfLayout::kFile, 0);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, "\x01\x02\x03\x04\xaa\xbb");
}

TEST(ElfNotesTest, ReadsBuildIdByVirtualAddressInMemory) {
  std::vector<uint8_t> image = BuildTestElf(0x1000, "\x11\x22");
  // Memory as the reader sees it: the image at bias + vaddr.
  const uint64_t bias = 0x5000;
  auto read = [&](uint64_t address, size_t n) -> absl::StatusOr<std::vector<uint8_t>> {
    if (address < bias + 0x1000) return absl::OutOfRangeError("unmapped");
    return SpanReader{image}(address - bias - 0x1000, n);
  };
  absl::StatusOr<std::vector<ElfProgramHeader>> headers = ReadProgramHeaders(read, 0x6000);
  ASSERT_TRUE(headers.ok()) << headers.status();
  absl::StatusOr<std::string> id = ReadBuildId(read, *headers, ElfLayout::kMemory, bias);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, "\x11\x22");
}

TEST(ElfNotesTest, NoBuildIdNoteGivesEmpty) {
  std::vector<uint8_t> image = BuildTestElf(0, "");
  SpanReader read{image};
  absl::StatusOr<std::vector<ElfProgramHeader>> headers = ReadProgramHeaders(read, 0);
  ASSERT_TRUE(headers.ok());
  absl::StatusOr<std::string> id = ReadBuildId(read, *headers, ElfLayout::kFile, 0);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, "");
}

TEST(ElfNotesTest, UnreadableNotesAreAnError) {
  std::vector<uint8_t> image = BuildTestElf(0, "\x01");
  SpanReader read{image};
  absl::StatusOr<std::vector<ElfProgramHeader>> headers = ReadProgramHeaders(read, 0);
  ASSERT_TRUE(headers.ok());
  auto failing = [](uint64_t, size_t) -> absl::StatusOr<std::vector<uint8_t>> {
    return absl::OutOfRangeError("nope");
  };
  EXPECT_FALSE(ReadBuildId(failing, *headers, ElfLayout::kFile, 0).ok());
}

TEST(ElfNotesTest, LoadBiasUsesTheSegmentCoveringTheMappingOffset) {
  std::vector<ElfProgramHeader> headers(2);
  headers[0] = {PT_LOAD, PF_R, 0, 0, 0x1234, 0x1234, 0x1000};
  headers[1] = {PT_LOAD, PF_R | PF_X, 0x1234, 0x2234, 0x5000, 0x5000, 0x1000};
  // File page 0x1000 belongs to both segments; a mapping starting there is the second
  // segment's (the loader maps each segment from the page holding its p_offset).
  absl::StatusOr<uint64_t> bias = ComputeLoadBias(headers, 0x7000, 0x1000);
  ASSERT_TRUE(bias.ok());
  EXPECT_EQ(*bias, 0x7000u - 0x2000u);
  // Inside the second segment.
  bias = ComputeLoadBias(headers, 0x9000, 0x3000);
  ASSERT_TRUE(bias.ok());
  EXPECT_EQ(*bias, 0x9000u - 0x4000u);
  // The first segment, at offset 0.
  bias = ComputeLoadBias(headers, 0x6000, 0);
  ASSERT_TRUE(bias.ok());
  EXPECT_EQ(*bias, 0x6000u);
  EXPECT_FALSE(ComputeLoadBias(headers, 0x7000, 0x100000).ok());
  EXPECT_FALSE(ComputeLoadBias({}, 0x7000, 0).ok());
}

TEST(ElfNotesTest, RejectsBadHeaders) {
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
  EXPECT_FALSE(with(offsetof(Elf64_Ehdr, e_phnum), {0, 0}).ok());
  EXPECT_FALSE(with(offsetof(Elf64_Ehdr, e_phnum), {0xff, 0xff}).ok());
  EXPECT_FALSE(with(offsetof(Elf64_Ehdr, e_phentsize), {8, 0}).ok());
  EXPECT_FALSE(with(offsetof(Elf64_Ehdr, e_phoff),
                    {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}).ok());
}

TEST(ElfNotesTest, ProgramHeaderTableMustBeComplete) {
  std::vector<uint8_t> image = BuildTestElf(0, "\x01");
  absl::StatusOr<ElfHeader> header = ParseElfHeader(image);
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(ProgramHeaderTableSize(*header), 2 * sizeof(Elf64_Phdr));
  absl::Span<const uint8_t> table = absl::MakeSpan(image).subspan(kTestElfPhoff);
  EXPECT_TRUE(ParseProgramHeaders(*header, table.subspan(0, 112)).ok());
  EXPECT_FALSE(ParseProgramHeaders(*header, table.subspan(0, 111)).ok());
}

// Notes with the given (namesz, descsz, type, name, desc) fields, 4-byte padded.
std::vector<uint8_t> Note(uint32_t namesz, uint32_t descsz, uint32_t type, std::string name,
                          std::string desc) {
  std::vector<uint8_t> out(12);
  std::memcpy(out.data(), &namesz, 4);
  std::memcpy(out.data() + 4, &descsz, 4);
  std::memcpy(out.data() + 8, &type, 4);
  out.insert(out.end(), name.begin(), name.end());
  while (out.size() % 4) out.push_back(0);
  out.insert(out.end(), desc.begin(), desc.end());
  while (out.size() % 4) out.push_back(0);
  return out;
}

TEST(ElfNotesTest, FindGnuBuildIdSkipsOtherNotesAndStopsAtMalformedOnes) {
  std::vector<uint8_t> notes = Note(5, 3, NT_GNU_BUILD_ID, std::string("Xen\0\0", 5), "abc");
  std::vector<uint8_t> id = Note(4, 2, NT_GNU_BUILD_ID, std::string("GNU\0", 4), "\x12\x34");
  notes.insert(notes.end(), id.begin(), id.end());
  EXPECT_EQ(FindGnuBuildId(notes, 4), "\x12\x34");

  // Truncated descriptor: ignored rather than read past the end.
  std::vector<uint8_t> truncated = Note(4, 20, NT_GNU_BUILD_ID, std::string("GNU\0", 4), "ab");
  EXPECT_EQ(FindGnuBuildId(truncated, 4), "");
  // Absurd sizes.
  std::vector<uint8_t> huge = Note(0xffffffff, 0xffffffff, NT_GNU_BUILD_ID, "", "");
  EXPECT_EQ(FindGnuBuildId(huge, 4), "");
  // Oversized build id.
  std::vector<uint8_t> big = Note(4, 100, NT_GNU_BUILD_ID, std::string("GNU\0", 4),
                                  std::string(100, 'x'));
  EXPECT_EQ(FindGnuBuildId(big, 4), "");
  EXPECT_EQ(FindGnuBuildId({}, 4), "");
}

TEST(ElfNotesTest, EightByteAlignedNoteSegments) {
  // In an 8-aligned segment the descriptor starts at an 8-byte boundary.
  std::vector<uint8_t> notes(12);
  uint32_t fields[3] = {4, 2, NT_GNU_BUILD_ID};
  std::memcpy(notes.data(), fields, 12);
  notes.insert(notes.end(), {'G', 'N', 'U', 0, 0, 0, 0, 0});  // name padded to 16 in total
  notes.insert(notes.end(), {0x55, 0x66, 0, 0, 0, 0, 0, 0});
  EXPECT_EQ(FindGnuBuildId(notes, 8), "\x55\x66");
}

TEST(ElfNotesTest, CorpusNeverCrashes) {
  const std::string corpus = "ptrace/testdata/elf_corpus";
  DIR* dir = opendir(corpus.c_str());
  ASSERT_NE(dir, nullptr);
  int files = 0;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    std::ifstream in(corpus + "/" + entry->d_name, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    std::string bytes = buffer.str();
    absl::Span<const uint8_t> image(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    SpanReader read{image};
    absl::StatusOr<std::vector<ElfProgramHeader>> headers = ReadProgramHeaders(read, 0);
    if (headers.ok()) ReadBuildId(read, *headers, ElfLayout::kFile, 0).IgnoreError();
    ++files;
  }
  closedir(dir);
  EXPECT_GT(files, 3);
}

TEST(ElfNotesTest, HasElfMagic) {
  const uint8_t elf[] = {0x7f, 'E', 'L', 'F'};
  const uint8_t short_elf[] = {0x7f, 'E', 'L'};
  EXPECT_TRUE(HasElfMagic(elf));
  EXPECT_FALSE(HasElfMagic(short_elf));
}

}  // namespace
}  // namespace ddcrash
