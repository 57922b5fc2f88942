#include "ptrace/module_map.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace ddcrash {
namespace {

// The element of `items` (sorted by `begin`, non-overlapping) whose range holds `address`.
template <typename T, typename Begin>
const T* FindSorted(const std::vector<T>& items, uint64_t address, Begin begin) {
  auto it = std::upper_bound(items.begin(), items.end(), address,
                             [&](uint64_t a, const T& item) { return a < begin(item); });
  if (it == items.begin()) return nullptr;
  --it;
  return it->Contains(address) ? &*it : nullptr;
}

}  // namespace

ModuleMap::ModuleMap(std::vector<Mapping> mappings, std::vector<LoadedModule> modules,
                     std::vector<NamedBundledFile> bundled_files)
    : mappings_(std::move(mappings)),
      modules_(std::move(modules)),
      bundled_files_(std::move(bundled_files)) {
  // Callers may pass any order; lookups rely on sorting. Overlapping input (only possible
  // from corrupt data) makes lookups return one of the candidates, never fail.
  std::stable_sort(mappings_.begin(), mappings_.end(),
                   [](const Mapping& a, const Mapping& b) { return a.start < b.start; });
  std::stable_sort(modules_.begin(), modules_.end(),
                   [](const LoadedModule& a, const LoadedModule& b) { return a.base < b.base; });
}

const Mapping* ModuleMap::FindMapping(uint64_t address) const {
  return FindSorted(mappings_, address, [](const Mapping& m) { return m.start; });
}

const LoadedModule* ModuleMap::FindModule(uint64_t address) const {
  return FindSorted(modules_, address, [](const LoadedModule& m) { return m.base; });
}

int ModuleMap::FindModuleIndex(uint64_t address) const {
  const LoadedModule* module = FindModule(address);
  return module == nullptr ? -1 : static_cast<int>(module - modules_.data());
}

}  // namespace ddcrash
