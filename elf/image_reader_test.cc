#include "elf/image_reader.h"

#include <elf.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "elf/load_bias.h"
#include "elf/testing/elf_builder.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ddcrash {
namespace {

using elf_testing::BuildTestElf;

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

TEST(ImageReaderTest, ReadsHeadersBiasAndBuildIdFromAFile) {
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

TEST(ImageReaderTest, ReadsBuildIdByVirtualAddressInMemory) {
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

TEST(ImageReaderTest, NoBuildIdNoteGivesEmpty) {
  std::vector<uint8_t> image = BuildTestElf(0, "");
  SpanReader read{image};
  absl::StatusOr<std::vector<ElfProgramHeader>> headers = ReadProgramHeaders(read, 0);
  ASSERT_TRUE(headers.ok());
  absl::StatusOr<std::string> id = ReadBuildId(read, *headers, ElfLayout::kFile, 0);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, "");
}

TEST(ImageReaderTest, UnreadableNotesAreAnError) {
  std::vector<uint8_t> image = BuildTestElf(0, "\x01");
  SpanReader read{image};
  absl::StatusOr<std::vector<ElfProgramHeader>> headers = ReadProgramHeaders(read, 0);
  ASSERT_TRUE(headers.ok());
  auto failing = [](uint64_t, size_t) -> absl::StatusOr<std::vector<uint8_t>> {
    return absl::OutOfRangeError("nope");
  };
  EXPECT_FALSE(ReadBuildId(failing, *headers, ElfLayout::kFile, 0).ok());
}

TEST(ImageReaderTest, AnImageWithoutProgramHeadersIsRefused) {
  std::vector<uint8_t> image = BuildTestElf(0, "\x01");
  std::fill_n(image.begin() + offsetof(Elf64_Ehdr, e_phnum), 2, 0);
  SpanReader read{image};
  absl::StatusOr<std::vector<ElfProgramHeader>> headers = ReadProgramHeaders(read, 0);
  EXPECT_FALSE(headers.ok());
  EXPECT_THAT(headers.status().message(), ::testing::HasSubstr("no program headers"));
}

TEST(ImageReaderTest, ReadsTheBuildIdOfTheRealSystemLibrary) {
  // A real file's notes: GNU ld's 20-byte build id, found among the file's own bytes.
  std::ifstream in("/lib/x86_64-linux-gnu/libc.so.6", std::ios::binary);
  ASSERT_TRUE(in) << "libc.so.6 is needed";
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string bytes = buffer.str();
  absl::Span<const uint8_t> image(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  SpanReader read{image};
  absl::StatusOr<std::vector<ElfProgramHeader>> headers = ReadProgramHeaders(read, 0);
  ASSERT_TRUE(headers.ok()) << headers.status();
  absl::StatusOr<std::string> id = ReadBuildId(read, *headers, ElfLayout::kFile, 0);
  ASSERT_TRUE(id.ok()) << id.status();
  ASSERT_EQ(id->size(), 20u);
  EXPECT_NE(bytes.find(*id), std::string::npos);
  absl::StatusOr<uint64_t> bias = ComputeLoadBias(*headers, 0x7f0000000000, 0);
  ASSERT_TRUE(bias.ok());
  EXPECT_EQ(*bias, 0x7f0000000000u);  // a shared library's first PT_LOAD is at vaddr 0
}

}  // namespace
}  // namespace ddcrash
