#include "unwind/stack_walker.h"

#include <utility>

namespace ddcrash {

void SymbolizeFrames(const ModuleMap& modules, Symbolizer& symbolizer, UnwoundStack& stack) {
  for (NativeFrame& frame : stack.frames) {
    const uint64_t lookup = frame.LookupAddress();
    const LoadedModule* module = modules.FindModule(lookup);
    if (module == nullptr || module->kind != ModuleKind::kElf) continue;
    absl::StatusOr<SymbolInfo> info = symbolizer.Symbolize(*module, lookup);
    if (!info.ok()) continue;
    frame.function = std::move(info->function);
    frame.mangled_name = std::move(info->mangled_name);
    frame.function_offset = frame.ip - info->symbol_address;
  }
}

}  // namespace ddcrash
