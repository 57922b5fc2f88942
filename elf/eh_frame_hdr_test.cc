#include "elf/eh_frame_hdr.h"

#include <cstring>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "elf/elf_file.h"

namespace ddcrash {
namespace {

using elf_internal::ByteReader;

absl::Span<const uint8_t> Bytes(const std::string& s) {
  return absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

TEST(EhFrameHdrTest, ParsesARealFileAndItsTableCoversAFunction) {
  absl::StatusOr<std::unique_ptr<ElfFile>> elf = ElfFile::Open("elf/testdata/sample");
  ASSERT_TRUE(elf.ok());
  std::optional<ElfProgramHeader> segment = (*elf)->EhFrameHdrSegment();
  ASSERT_TRUE(segment.has_value());
  absl::StatusOr<std::string> data = (*elf)->ReadAt(segment->offset, segment->filesz);
  ASSERT_TRUE(data.ok());
  absl::StatusOr<EhFrameHdr> hdr = ParseEhFrameHdr(Bytes(*data), segment->vaddr);
  ASSERT_TRUE(hdr.ok()) << hdr.status();
  EXPECT_EQ(hdr->version, 1);
  EXPECT_EQ(hdr->table_enc, kDwEhPeDatarelSdata4);
  EXPECT_TRUE(hdr->has_search_table);
  EXPECT_GE(hdr->fde_count, 3u);  // main, sample::Recurse and the start-up code
  const ElfSection* eh_frame = (*elf)->FindSection(".eh_frame");
  ASSERT_NE(eh_frame, nullptr);
  EXPECT_EQ(hdr->eh_frame_ptr, eh_frame->addr);

  // The table (what libunwind's search reads from the target) is sorted by initial location,
  // every FDE it names lies inside .eh_frame, and one entry starts at a known function.
  absl::StatusOr<std::vector<ElfSymbol>> symbols = (*elf)->ReadSymbols(SymbolTableKind::kSymtab);
  ASSERT_TRUE(symbols.ok());
  uint64_t recurse = 0;
  for (const ElfSymbol& s : *symbols) {
    if (s.name == "_ZN6sample7RecurseEi") recurse = s.value;
  }
  ASSERT_NE(recurse, 0u);
  ASSERT_LE(hdr->table_offset + hdr->fde_count * 8, data->size());
  bool covers_recurse = false;
  int64_t previous = INT64_MIN;
  for (uint64_t i = 0; i < hdr->fde_count; ++i) {
    int32_t entry[2];
    std::memcpy(entry, data->data() + hdr->table_offset + i * 8, sizeof(entry));
    uint64_t location = segment->vaddr + static_cast<int64_t>(entry[0]);
    uint64_t fde = segment->vaddr + static_cast<int64_t>(entry[1]);
    EXPECT_GT(static_cast<int64_t>(location), previous);
    previous = static_cast<int64_t>(location);
    EXPECT_GE(fde, eh_frame->addr);
    EXPECT_LT(fde, eh_frame->addr + eh_frame->size);
    covers_recurse |= location == recurse;
  }
  EXPECT_TRUE(covers_recurse);
}

TEST(EhFrameHdrTest, RejectsMalformedHeaders) {
  EXPECT_FALSE(ParseEhFrameHdr(Bytes(""), 0).ok());
  EXPECT_FALSE(ParseEhFrameHdr(Bytes(std::string("\x02\x1b\x03\x3b", 4)), 0).ok());  // version
  // eh_frame_ptr (pcrel sdata4) cut short.
  EXPECT_FALSE(ParseEhFrameHdr(Bytes(std::string("\x01\x1b\x03\x3b\x00\x00", 6)), 0).ok());
  // fde_count claims more entries than the section holds.
  std::string big("\x01\x1b\x03\x3b\x00\x00\x00\x00\xff\xff\xff\x0f", 12);
  big += std::string(16, '\0');
  EXPECT_FALSE(ParseEhFrameHdr(Bytes(big), 0x1000).ok());
  // Unsupported encodings for eh_frame_ptr (indirect) fail, omitted tables are fine.
  EXPECT_FALSE(ParseEhFrameHdr(Bytes(std::string("\x01\x9b\x03\x3b\x00\x00\x00\x00", 8)), 0).ok());
  absl::StatusOr<EhFrameHdr> no_table =
      ParseEhFrameHdr(Bytes(std::string("\x01\x1b\xff\xff\x10\x00\x00\x00", 8)), 0x1000);
  ASSERT_TRUE(no_table.ok());
  EXPECT_FALSE(no_table->has_search_table);
  EXPECT_EQ(no_table->eh_frame_ptr, 0x1000u + 4 + 0x10);
}

TEST(EhFrameHdrTest, EncodedPointers) {
  const uint8_t data[] = {0xf0, 0xff, 0xff, 0xff};
  ByteReader r1(data, 4);
  EXPECT_EQ(ReadEncodedPointer(r1, 0x0b, 0, 0), static_cast<uint64_t>(-16));
  ByteReader r2(data, 4);
  EXPECT_EQ(ReadEncodedPointer(r2, 0x1b, 0x1000, 0), 0x1000u - 16);  // pcrel
  ByteReader r3(data, 4);
  EXPECT_EQ(ReadEncodedPointer(r3, 0x3b, 0, 0x2000), 0x2000u - 16);  // datarel
  ByteReader r4(data, 4);
  EXPECT_EQ(ReadEncodedPointer(r4, 0x03, 0, 0), 0xfffffff0u);
  ByteReader r5(data, 4);
  EXPECT_FALSE(ReadEncodedPointer(r5, 0x04, 0, 0).has_value());  // udata8: truncated
  EXPECT_EQ(r5.offset(), 0u);
  ByteReader r6(data, 4);
  EXPECT_FALSE(ReadEncodedPointer(r6, 0x2b, 0, 0).has_value());  // textrel
  ByteReader r7(data, 4);
  EXPECT_FALSE(ReadEncodedPointer(r7, 0xff, 0, 0).has_value());  // omit
}

}  // namespace
}  // namespace ddcrash
