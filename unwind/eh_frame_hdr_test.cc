#include "unwind/eh_frame_hdr.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "unwind/elf_file.h"

namespace ddcrash {
namespace {

using unwind_internal::ByteReader;

absl::Span<const uint8_t> Bytes(const std::string& s) {
  return absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

TEST(EhFrameHdrTest, ParsesFixtureAndFindsFdeOfAFunction) {
  absl::StatusOr<std::unique_ptr<ElfFile>> elf = ElfFile::Open("unwind/testdata/fixture");
  ASSERT_TRUE(elf.ok());
  std::optional<ElfSegment> segment = (*elf)->EhFrameHdrSegment();
  ASSERT_TRUE(segment.has_value());
  absl::StatusOr<std::string> data = (*elf)->ReadAt(segment->offset, segment->filesz);
  ASSERT_TRUE(data.ok());
  absl::StatusOr<EhFrameHdr> hdr = ParseEhFrameHdr(Bytes(*data), segment->vaddr);
  ASSERT_TRUE(hdr.ok()) << hdr.status();
  EXPECT_EQ(hdr->version, 1);
  EXPECT_EQ(hdr->table_enc, kDwEhPeDatarelSdata4);
  EXPECT_TRUE(hdr->has_search_table);
  EXPECT_GT(hdr->fde_count, 5u);
  const ElfSection* eh_frame = (*elf)->FindSection(".eh_frame");
  ASSERT_NE(eh_frame, nullptr);
  EXPECT_EQ(hdr->eh_frame_ptr, eh_frame->addr);

  // The FDE found for a function's address lies inside .eh_frame.
  absl::StatusOr<std::vector<ElfSymbol>> symbols = (*elf)->ReadSymbols(SymbolTableKind::kSymtab);
  ASSERT_TRUE(symbols.ok());
  uint64_t recurse = 0;
  for (const ElfSymbol& s : *symbols) {
    if (s.name == "_ZN7fixture7RecurseEi") recurse = s.value;
  }
  ASSERT_NE(recurse, 0u);
  std::optional<uint64_t> fde = LookupFdeAddress(Bytes(*data), *hdr, segment->vaddr, recurse + 1);
  ASSERT_TRUE(fde.has_value());
  EXPECT_GE(*fde, eh_frame->addr);
  EXPECT_LT(*fde, eh_frame->addr + eh_frame->size);
  EXPECT_FALSE(LookupFdeAddress(Bytes(*data), *hdr, segment->vaddr, 0).has_value());
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
