// A sorted, immutable table of function symbols with binary-search lookup by ELF vaddr.
#ifndef DDCRASH_UNWIND_SYMBOL_TABLE_H_
#define DDCRASH_UNWIND_SYMBOL_TABLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "elf/elf_file.h"

namespace ddcrash {

struct SymbolHit {
  std::string_view name;  // valid while the table lives
  uint64_t start = 0;     // ELF vaddr
  uint64_t size = 0;
};

class SymbolTable {
 public:
  SymbolTable() = default;
  // Keeps function-like symbols (STT_FUNC, STT_GNU_IFUNC, and sized STT_NOTYPE); on equal
  // addresses prefers global over weak over local, and sized over unsized.
  explicit SymbolTable(std::vector<ElfSymbol> symbols);

  // Adds symbols from another table (e.g. .dynsym after .symtab); call Finish() afterwards.
  void Add(std::vector<ElfSymbol> symbols);
  void Finish();

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }

  // The symbol containing `vaddr`: the greatest start <= vaddr, and vaddr < start + size when
  // the size is known (an unsized symbol covers up to the next symbol).
  std::optional<SymbolHit> Lookup(uint64_t vaddr) const;

 private:
  struct Entry {
    uint64_t start;
    uint64_t size;
    uint32_t name_offset;
    uint32_t name_size;
    int rank;
  };
  std::string names_;
  std::vector<Entry> entries_;
};

}  // namespace ddcrash

#endif  // DDCRASH_UNWIND_SYMBOL_TABLE_H_
