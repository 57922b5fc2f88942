// The type of one module in ptrace's ModuleMap, named independently of what ptrace calls it
// (ptrace/module_map.h is renaming `Module` to `LoadedModule`): whatever
// ModuleMap::FindModule points to.
#ifndef DDCRASH_UNWIND_MODULE_MAP_ENTRY_H_
#define DDCRASH_UNWIND_MODULE_MAP_ENTRY_H_

#include <cstdint>
#include <type_traits>
#include <utility>

#include "ptrace/module_map.h"

namespace ddcrash {

using ModuleMapEntry = std::remove_cv_t<
    std::remove_pointer_t<decltype(std::declval<const ModuleMap&>().FindModule(uint64_t{0}))>>;

}  // namespace ddcrash

#endif  // DDCRASH_UNWIND_MODULE_MAP_ENTRY_H_
