#include "unwind/stack_walker.h"

#include <optional>

namespace ddcrash {

void SymbolizeFrames(const ModuleMap& modules, Symbolizer& symbolizer, UnwoundStack& stack) {
  for (NativeFrame& frame : stack.frames) {
    const uint64_t lookup = frame.LookupAddress();
    int index = modules.FindModuleIndex(lookup);
    if (index < 0) continue;
    const LoadedModule& module = modules.modules()[index];
    frame.module_index = index;
    frame.module_offset = frame.ip - module.base;
    frame.build_id = module.build_id;
    absl::StatusOr<SymbolInfo> info = symbolizer.Symbolize(module, lookup);
    if (!info.ok()) continue;
    frame.function = std::move(info->function);
    frame.mangled_name = std::move(info->mangled_name);
    frame.function_offset = frame.ip - info->symbol_address;
  }
}

absl::StatusOr<UnwoundStack> UnwindThread(const ThreadState& thread, ProcessMemory& memory,
                                          const ModuleMap& modules, const UnwindOptions& options) {
  std::optional<Symbolizer> local_symbolizer;
  Symbolizer* symbolizer = options.symbolizer;
  if (symbolizer == nullptr && options.symbolize) {
    SymbolizerOptions symbolizer_options;
    symbolizer_options.pid = options.pid;
    local_symbolizer.emplace(symbolizer_options);
    symbolizer = &*local_symbolizer;
  }
  RemoteUnwinder unwinder(memory, modules, options.pid, symbolizer);
  absl::StatusOr<UnwoundStack> stack = unwinder.Unwind(thread, options);
  if (!stack.ok()) return stack;
  if (options.symbolize && symbolizer != nullptr) SymbolizeFrames(modules, *symbolizer, *stack);
  return stack;
}

}  // namespace ddcrash
