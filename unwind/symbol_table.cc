#include "unwind/symbol_table.h"

#include <elf.h>

#include <algorithm>

namespace ddcrash {

SymbolTable::SymbolTable(std::vector<ElfSymbol> symbols) {
  Add(std::move(symbols));
  Finish();
}

void SymbolTable::Add(std::vector<ElfSymbol> symbols) {
  for (ElfSymbol& symbol : symbols) {
    bool function_like = symbol.type == STT_FUNC || symbol.type == STT_GNU_IFUNC ||
                         (symbol.type == STT_NOTYPE && symbol.size > 0);
    if (!function_like || symbol.name.empty() || symbol.name.size() > (1u << 16)) continue;
    if (names_.size() + symbol.name.size() > UINT32_MAX) break;
    int rank = (symbol.bind == STB_GLOBAL ? 4 : symbol.bind == STB_WEAK ? 2 : 0) +
               (symbol.size > 0 ? 8 : 0) + (symbol.type == STT_FUNC ? 1 : 0);
    entries_.push_back(Entry{symbol.value, symbol.size, static_cast<uint32_t>(names_.size()),
                             static_cast<uint32_t>(symbol.name.size()), rank});
    names_.append(symbol.name);
  }
}

void SymbolTable::Finish() {
  std::sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
    if (a.start != b.start) return a.start < b.start;
    return a.rank > b.rank;
  });
  // Keep the best-ranked symbol for each address.
  entries_.erase(std::unique(entries_.begin(), entries_.end(),
                             [](const Entry& a, const Entry& b) { return a.start == b.start; }),
                 entries_.end());
  entries_.shrink_to_fit();
}

std::optional<SymbolHit> SymbolTable::Lookup(uint64_t vaddr) const {
  auto it = std::upper_bound(entries_.begin(), entries_.end(), vaddr,
                             [](uint64_t v, const Entry& e) { return v < e.start; });
  if (it == entries_.begin()) return std::nullopt;
  // Walk back over symbols that start here or earlier; a sized symbol that ends before `vaddr`
  // may be nested inside a bigger one (rare); check a few predecessors.
  for (int tries = 0; tries < 4 && it != entries_.begin(); ++tries) {
    --it;
    const Entry& e = *it;
    bool covers = e.size > 0 ? vaddr - e.start < e.size
                             : (std::next(it) == entries_.end() || vaddr < std::next(it)->start);
    if (covers) {
      return SymbolHit{std::string_view(names_).substr(e.name_offset, e.name_size), e.start,
                       e.size};
    }
    if (e.size == 0) break;
  }
  return std::nullopt;
}

}  // namespace ddcrash
