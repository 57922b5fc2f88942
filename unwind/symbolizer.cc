#include "unwind/symbolizer.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "ptrace/target_files.h"
#include "unwind/demangle.h"
#include "elf/nativeaot_section.h"
#include "unwind/nativeaot_names.h"
#include "unwind/module_file.h"

namespace ddcrash {

Symbolizer::Symbolizer(SymbolizerOptions options) : options_(std::move(options)) {}
Symbolizer::~Symbolizer() = default;

Symbolizer::ModuleSymbols& Symbolizer::Load(const LoadedModule& module) {
  auto& cache = module.build_id.empty() ? by_path_ : by_build_id_;
  const std::string& key = module.build_id.empty() ? module.path : module.build_id;
  // Consecutive frames are mostly in one module.
  if (last_ != nullptr && last_cache_ == &cache && last_key_ == key) return *last_;
  std::unique_ptr<ModuleSymbols>& slot = cache[key];
  last_cache_ = &cache;
  last_key_ = key;
  if (slot != nullptr) return *(last_ = slot.get());
  slot = std::make_unique<ModuleSymbols>();
  ModuleSymbols& symbols = *(last_ = slot.get());

  std::string opened_path;
  absl::StatusOr<std::unique_ptr<ElfFile>> elf = OpenModuleElf(module, options_.pid, &opened_path);
  if (!elf.ok()) {
    symbols.status = elf.status();
    return symbols;
  }
  if (const ElfSection* managed = (*elf)->FindSection(kNativeAotCodeSection);
      managed != nullptr && managed->addr != 0) {
    symbols.managed_code_start = managed->addr;
    symbols.managed_code_end = managed->addr + managed->size;
  }
  absl::StatusOr<std::vector<ElfSymbol>> symtab = (*elf)->ReadSymbols(SymbolTableKind::kSymtab);
  if (symtab.ok() && !symtab->empty()) {
    symbols.table.Add(std::move(*symtab));
  } else {
    // The debug file is looked for next to the path the module was mapped from and under the
    // debug roots, in the target's view (not beside the /proc map_files link, whose directory
    // holds no debug files); without a path, beside the file opened, in ours.
    absl::StatusOr<std::unique_ptr<ElfFile>> debug =
        !module.path.empty()
            ? OpenSeparateDebugFile(**elf, module.path, options_.debug_files,
                                    TargetFiles::Of(options_.pid))
            : OpenSeparateDebugFile(**elf, opened_path, options_.debug_files);
    if (debug.ok()) {
      absl::StatusOr<std::vector<ElfSymbol>> debug_symtab =
          (*debug)->ReadSymbols(SymbolTableKind::kSymtab);
      if (debug_symtab.ok() && !debug_symtab->empty()) {
        symbols.table.Add(std::move(*debug_symtab));
        symbols.from_debug_file = true;
      }
    }
  }
  absl::StatusOr<std::vector<ElfSymbol>> dynsym = (*elf)->ReadSymbols(SymbolTableKind::kDynsym);
  if (dynsym.ok()) symbols.table.Add(std::move(*dynsym));
  symbols.table.Finish();
  if (symbols.table.empty()) symbols.status = absl::NotFoundError("module has no symbols");
  return symbols;
}

absl::StatusOr<SymbolInfo> Symbolizer::Symbolize(const LoadedModule& module, uint64_t address) {
  if (module.kind != ModuleKind::kElf) {
    return absl::FailedPreconditionError("not an ELF module");
  }
  if (!module.Contains(address)) return absl::InvalidArgumentError("address outside module");
  ModuleSymbols& symbols = Load(module);
  if (symbols.table.empty()) return symbols.status;
  if (!module.load_bias.has_value()) {
    return absl::FailedPreconditionError(
        absl::StrCat("load bias of ", module.path, " unknown (its program headers were unreadable)"));
  }
  const uint64_t bias = *module.load_bias;
  std::optional<SymbolHit> hit = symbols.table.Lookup(address - bias);
  if (!hit.has_value()) {
    // A literal: most frames in stripped runtime code end here, thousands per snapshot.
    return absl::NotFoundError("no symbol covers the address");
  }
  SymbolInfo info;
  info.mangled_name = std::string(hit->name);
  const uint64_t file_address = address - bias;
  std::optional<std::string> managed_name;
  if (file_address >= symbols.managed_code_start && file_address < symbols.managed_code_end) {
    managed_name = NativeAotMethodName(hit->name);
  }
  info.function = managed_name ? *std::move(managed_name) : Demangle(hit->name);
  info.symbol_address = hit->start + bias;
  info.offset = address - info.symbol_address;
  info.from_debug_file = symbols.from_debug_file;
  return info;
}

}  // namespace ddcrash
