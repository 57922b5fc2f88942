// Symbolization of run-time addresses in a captured process's modules: the ELF file's .symtab,
// else the .symtab of its separate debug file (build id or .gnu_debuglink), plus .dynsym.
// Symbol tables are loaded once per module (keyed by build id, or path when there is none) and
// searched by binary search.
#ifndef DDCRASH_UNWIND_SYMBOLIZER_H_
#define DDCRASH_UNWIND_SYMBOLIZER_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "ptrace/module_map.h"
#include "unwind/debug_file.h"
#include "elf/elf_file.h"
#include "unwind/symbol_table.h"

namespace ddcrash {

struct SymbolInfo {
  std::string function;      // demangled (equal to mangled_name for C symbols); a NativeAOT
                             // managed method in its .NET form (Ns.Type.Method)
  std::string mangled_name;  // as in the symbol table
  uint64_t offset = 0;       // address - symbol start
  uint64_t symbol_address = 0;  // run-time address of the symbol's start
  bool from_debug_file = false;
};

struct SymbolizerOptions {
  DebugFileOptions debug_files;
  // The process the modules belong to; lets deleted files be read via /proc/PID/map_files.
  std::optional<pid_t> pid;
};

class Symbolizer {
 public:
  explicit Symbolizer(SymbolizerOptions options = {});
  ~Symbolizer();
  Symbolizer(const Symbolizer&) = delete;
  Symbolizer& operator=(const Symbolizer&) = delete;

  // Symbolizes the run-time `address` inside `module` (an ELF module whose load bias the
  // module map knows: symbol addresses are file vaddrs plus that bias). For a return address,
  // pass return address - 1 so the call instruction's function is found (a call at the very
  // end of a function is followed by the next function). NotFound when no symbol covers it.
  absl::StatusOr<SymbolInfo> Symbolize(const LoadedModule& module, uint64_t address);

  // Number of distinct modules whose symbols were loaded (for tests of the cache).
  size_t loaded_modules() const { return by_build_id_.size() + by_path_.size(); }

 private:
  struct ModuleSymbols {
    absl::Status status;  // why there are no symbols, when tables are empty
    SymbolTable table;
    bool from_debug_file = false;
    // NativeAOT's compiled managed code (file-relative addresses), when the module has it:
    // symbols there are named in their .NET form (nativeaot_names.h).
    uint64_t managed_code_start = 0;
    uint64_t managed_code_end = 0;
  };
  ModuleSymbols& Load(const LoadedModule& module);

  SymbolizerOptions options_;
  // Each module's symbols, by its raw build id, else by its path (one Load per frame looks
  // them up without building a key).
  absl::flat_hash_map<std::string, std::unique_ptr<ModuleSymbols>> by_build_id_;
  absl::flat_hash_map<std::string, std::unique_ptr<ModuleSymbols>> by_path_;
  // The module Load found last, and its key.
  const absl::flat_hash_map<std::string, std::unique_ptr<ModuleSymbols>>* last_cache_ = nullptr;
  std::string last_key_;
  ModuleSymbols* last_ = nullptr;
};

}  // namespace ddcrash

#endif  // DDCRASH_UNWIND_SYMBOLIZER_H_
