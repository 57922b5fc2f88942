#include "unwind/symbol_table.h"

#include <elf.h>

#include "gtest/gtest.h"

namespace ddcrash {
namespace {

ElfSymbol Sym(std::string name, uint64_t value, uint64_t size, uint8_t bind = STB_GLOBAL,
              uint8_t type = STT_FUNC) {
  ElfSymbol s;
  s.name = std::move(name);
  s.value = value;
  s.size = size;
  s.bind = bind;
  s.type = type;
  s.shndx = 1;
  return s;
}

TEST(SymbolTableTest, BinarySearchRespectsSizes) {
  SymbolTable table({Sym("b", 0x2000, 0x10), Sym("a", 0x1000, 0x100), Sym("obj", 0x3000, 8, STB_GLOBAL, STT_OBJECT)});
  EXPECT_EQ(table.size(), 2u);  // objects are not functions
  EXPECT_EQ(table.Lookup(0x1000)->name, "a");
  EXPECT_EQ(table.Lookup(0x10ff)->name, "a");
  EXPECT_FALSE(table.Lookup(0x1100).has_value());  // past a's end, before b
  EXPECT_EQ(table.Lookup(0x2008)->name, "b");
  EXPECT_FALSE(table.Lookup(0xfff).has_value());
  EXPECT_FALSE(table.Lookup(0x3000).has_value());
}

TEST(SymbolTableTest, PrefersGlobalSizedSymbolAtSameAddress) {
  SymbolTable table;
  table.Add({Sym("local_alias", 0x1000, 0x20, STB_LOCAL), Sym("weak_alias", 0x1000, 0x20, STB_WEAK)});
  table.Add({Sym("global_name", 0x1000, 0x20, STB_GLOBAL)});
  table.Finish();
  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(table.Lookup(0x1010)->name, "global_name");
}

TEST(SymbolTableTest, UnsizedSymbolCoversUpToNext) {
  SymbolTable table({Sym("start", 0x1000, 0), Sym("next", 0x1800, 0x10)});
  EXPECT_EQ(table.Lookup(0x17ff)->name, "start");
  EXPECT_EQ(table.Lookup(0x1800)->name, "next");
  EXPECT_TRUE(SymbolTable().empty());
  EXPECT_FALSE(SymbolTable().Lookup(5).has_value());
}

}  // namespace
}  // namespace ddcrash
