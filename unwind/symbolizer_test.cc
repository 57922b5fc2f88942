#include "unwind/symbolizer.h"

#include <limits.h>
#include <stdlib.h>

#include <string>

#include "gtest/gtest.h"
#include "elf/elf_file.h"
#include "elf/load_bias.h"

namespace ddcrash {
namespace {

// A module as if `path` were mapped at `base` from file offset 0.
// Module paths are absolute, as in /proc/PID/maps.
LoadedModule ModuleFor(const std::string& relative, uint64_t base) {
  char resolved[PATH_MAX];
  std::string path = realpath(relative.c_str(), resolved) ? resolved : relative;
  absl::StatusOr<std::unique_ptr<ElfFile>> elf = ElfFile::Open(path);
  EXPECT_TRUE(elf.ok());
  LoadedModule module;
  module.path = path;
  module.kind = ModuleKind::kElf;
  module.base = base;
  module.end = base + (64 << 20);
  module.build_id = (*elf)->BuildId();
  // What the module map computes for this mapping.
  absl::StatusOr<uint64_t> bias = ComputeLoadBias((*elf)->program_headers(), base, 0);
  EXPECT_TRUE(bias.ok()) << bias.status();
  if (bias.ok()) module.load_bias = *bias;
  return module;
}

uint64_t SymbolValue(const std::string& path, const std::string& name) {
  absl::StatusOr<std::unique_ptr<ElfFile>> elf = ElfFile::Open(path);
  absl::StatusOr<std::vector<ElfSymbol>> symbols = (*elf)->ReadSymbols(SymbolTableKind::kSymtab);
  for (const ElfSymbol& s : *symbols) {
    if (s.name == name) return s.value;
  }
  return 0;
}

TEST(SymbolizerTest, FixtureFunctionsDemangled) {
  const uint64_t base = 0x555500000000;
  LoadedModule module = ModuleFor("unwind/testdata/fixture", base);
  uint64_t recurse = SymbolValue("unwind/testdata/fixture", "_ZN7fixture7RecurseEi");
  ASSERT_NE(recurse, 0u);
  Symbolizer symbolizer;
  absl::StatusOr<SymbolInfo> info = symbolizer.Symbolize(module, base + recurse + 3);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->function, "fixture::Recurse(int)");
  EXPECT_EQ(info->mangled_name, "_ZN7fixture7RecurseEi");
  EXPECT_EQ(info->offset, 3u);
  EXPECT_EQ(info->symbol_address, base + recurse);
  EXPECT_FALSE(info->from_debug_file);
  // main is a C symbol.
  uint64_t main_address = SymbolValue("unwind/testdata/fixture", "main");
  EXPECT_EQ(symbolizer.Symbolize(module, base + main_address)->function, "main");
  EXPECT_EQ(symbolizer.loaded_modules(), 1u);
  EXPECT_FALSE(symbolizer.Symbolize(module, base - 1).ok());  // outside the module
}

TEST(SymbolizerTest, StrippedFixtureUsesDebugLink) {
  const uint64_t base = 0x555500000000;
  LoadedModule module = ModuleFor("unwind/testdata/fixture_stripped", base);
  uint64_t block = SymbolValue("unwind/testdata/fixture", "_ZN7fixture5BlockEv");
  Symbolizer symbolizer;
  absl::StatusOr<SymbolInfo> info = symbolizer.Symbolize(module, base + block);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->function, "fixture::Block()");
  EXPECT_TRUE(info->from_debug_file);
}

TEST(SymbolizerTest, CacheIsKeyedByBuildId) {
  Symbolizer symbolizer;
  LoadedModule a = ModuleFor("unwind/testdata/fixture", 0x10000000);
  LoadedModule b = ModuleFor("unwind/testdata/fixture", 0x20000000);  // same file, other base
  uint64_t block = SymbolValue("unwind/testdata/fixture", "_ZN7fixture5BlockEv");
  EXPECT_EQ(symbolizer.Symbolize(a, 0x10000000 + block)->function, "fixture::Block()");
  EXPECT_EQ(symbolizer.Symbolize(b, 0x20000000 + block)->function, "fixture::Block()");
  EXPECT_EQ(symbolizer.loaded_modules(), 1u);
}

TEST(SymbolizerTest, LibcLocalSymbolFromDebugFile) {
  LoadedModule module = ModuleFor("/lib/x86_64-linux-gnu/libc.so.6", 0x7f0000000000);
  Symbolizer symbolizer;
  // A dynamic symbol resolves even without the debug file.
  absl::StatusOr<std::unique_ptr<ElfFile>> elf = ElfFile::Open(module.path);
  absl::StatusOr<std::vector<ElfSymbol>> dynsym = (*elf)->ReadSymbols(SymbolTableKind::kDynsym);
  uint64_t getpid_address = 0;
  for (const ElfSymbol& s : *dynsym) {
    if (s.name == "getpid") getpid_address = s.value;
  }
  ASSERT_NE(getpid_address, 0u);
  absl::StatusOr<SymbolInfo> info = symbolizer.Symbolize(module, module.base + getpid_address);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->offset, 0u);
}

TEST(SymbolizerTest, Failures) {
  Symbolizer symbolizer;
  LoadedModule pe;
  pe.kind = ModuleKind::kPe;
  pe.base = 0x1000;
  pe.end = 0x2000;
  EXPECT_FALSE(symbolizer.Symbolize(pe, 0x1800).ok());
  LoadedModule missing;
  missing.kind = ModuleKind::kElf;
  missing.path = "/nonexistent/lib.so";
  missing.base = 0x1000;
  missing.end = 0x2000;
  EXPECT_FALSE(symbolizer.Symbolize(missing, 0x1800).ok());
  EXPECT_FALSE(symbolizer.Symbolize(missing, 0x1800).ok());  // cached failure
}

}  // namespace
}  // namespace ddcrash
