#include "metadata/internal/table_layout.h"

#include "gtest/gtest.h"

namespace ddcrash::metadata::internal {
namespace {

std::array<uint32_t, kTableCount> Rows(std::initializer_list<std::pair<int, uint32_t>> rows) {
  std::array<uint32_t, kTableCount> out{};
  for (auto [t, n] : rows) out[t] = n;
  return out;
}

TEST(TableLayoutTest, SmallMetadataUsesTwoByteIndices) {
  TableLayout l = ComputeLayout(Rows({{0x02, 10}, {0x06, 10}}), HeapSizes{}, false);
  EXPECT_EQ(l.row_size[0x00], 2u + 2 + 2 + 2 + 2);          // Module
  EXPECT_EQ(l.row_size[0x06], 4u + 2 + 2 + 2 + 2 + 2);      // MethodDef
  EXPECT_EQ(l.row_size[0x02], 4u + 2 + 2 + 2 + 2 + 2);      // TypeDef
  EXPECT_EQ(l.row_size[0x20], 4u + 2 * 4 + 4 + 2 + 2 + 2);  // Assembly
  EXPECT_EQ(l.row_size[0x30], 8u);                          // Document
  EXPECT_EQ(l.row_size[0x31], 4u);                          // MethodDebugInformation
  EXPECT_EQ(l.row_size[0x2d], 0u);                          // undefined
}

TEST(TableLayoutTest, HeapFlagsWidenHeapIndices) {
  TableLayout l = ComputeLayout(Rows({}), HeapSizes{true, true, true}, false);
  EXPECT_EQ(l.row_size[0x00], 2u + 4 + 4 + 4 + 4);
  EXPECT_EQ(l.row_size[0x30], 16u);
  EXPECT_EQ(l.column_offset[0x30][2], 8u);
}

TEST(TableLayoutTest, SimpleIndexWidensAt65536Rows) {
  EXPECT_EQ(ComputeLayout(Rows({{0x30, 0xffff}}), HeapSizes{}, false).row_size[0x31], 4u);
  EXPECT_EQ(ComputeLayout(Rows({{0x30, 0x10000}}), HeapSizes{}, false).row_size[0x31], 6u);
}

TEST(TableLayoutTest, CodedIndexWidensBy2PowSixteenMinusTagBits) {
  // TypeDefOrRef has 2 tag bits: 2-byte while every table has < 2^14 rows.
  auto extends_width = [](uint32_t typespec_rows) {
    return ComputeLayout(Rows({{0x1b, typespec_rows}}), HeapSizes{}, false).column_width[0x02][3];
  };
  EXPECT_EQ(extends_width(0x3fff), 2);
  EXPECT_EQ(extends_width(0x4000), 4);
  // HasCustomDebugInformation has 5 tag bits and reaches the type-system MethodDef table (as a
  // PDB's #Pdb row counts say) and the PDB's own tables: 2^11 rows of either widen it.
  auto parent_width = [](int table, uint32_t rows) {
    return ComputeLayout(Rows({{table, rows}}), HeapSizes{}, false).column_width[0x37][0];
  };
  EXPECT_EQ(parent_width(0x06, 0x7ff), 2);
  EXPECT_EQ(parent_width(0x06, 0x800), 4);
  EXPECT_EQ(parent_width(0x35, 0x800), 4);  // ImportScope
  EXPECT_EQ(parent_width(0x31, 0x10000), 2);  // MethodDebugInformation is not one of its targets
  // CustomAttributeType (3 tag bits) ignores its unused tags.
  EXPECT_EQ(ComputeLayout(Rows({{0x0a, 0x2000}}), HeapSizes{}, false).column_width[0x0c][1], 4);
  EXPECT_EQ(ComputeLayout(Rows({{0x0a, 0x1fff}}), HeapSizes{}, false).column_width[0x0c][1], 2);
}

TEST(TableLayoutTest, MinimalDeltaWidensEverything) {
  TableLayout l = ComputeLayout(Rows({}), HeapSizes{}, true);
  EXPECT_EQ(l.row_size[0x31], 8u);
  EXPECT_EQ(l.row_size[0x00], 2u + 16);
}

}  // namespace
}  // namespace ddcrash::metadata::internal
