// The address space of a captured process: every mapping from /proc/PID/maps, and the modules
// (files, PE images, anonymous executable regions) they form.
#ifndef DDCRASH_PTRACE_MODULE_MAP_H_
#define DDCRASH_PTRACE_MODULE_MAP_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "binary/file.h"

namespace ddcrash {

// One line of /proc/PID/maps.
struct Mapping {
  uint64_t start = 0;
  uint64_t end = 0;  // exclusive
  uint64_t file_offset = 0;
  bool readable = false;
  bool writable = false;
  bool executable = false;
  bool shared = false;
  uint32_t dev_major = 0;
  uint32_t dev_minor = 0;
  uint64_t inode = 0;
  // The path as the kernel prints it, without the " (deleted)" suffix; "[stack]", "[vdso]" and
  // friends for special regions; empty for anonymous memory.
  std::string path;
  bool deleted = false;

  bool Contains(uint64_t address) const { return address >= start && address < end; }
  bool IsFileBacked() const { return inode != 0 && !path.empty() && path[0] == '/'; }
};

enum class ModuleKind {
  kElf,                  // an ELF file (or [vdso]) mapped from offset 0
  kPe,                   // a PE/COFF image (.NET assembly, possibly with ReadyToRun code)
  kAnonymousExecutable,  // executable memory with no file: JIT code, trampolines
  kOtherFile,            // a mapped file that is neither ELF nor PE
};

// A file a single-file app bundles uncompressed (an assembly or a PDB), by the name the runtime
// gives it, and where it lies: the bundle manifest's range of the executable, whose path is
// the one the target names.
struct NamedBundledFile {
  std::string path;
  binary::FileRange location;
};

// A module: the mappings that belong to one loaded file (or one anonymous executable region).
struct LoadedModule {
  std::string path;
  ModuleKind kind = ModuleKind::kOtherFile;
  // Lowest and one-past-highest address of its mappings.
  uint64_t base = 0;
  uint64_t end = 0;
  // File offset of the mapping at `base`.
  uint64_t file_offset = 0;
  // The module's facts, computed once by BuildModuleMap (module_map_builder.h) through elf/
  // and used as they are by the unwinder, the symbolizer and runtime discovery:
  // for ELF, run-time address minus the file's virtual address; unset when the program
  // headers could not be read (from memory or the file) or no PT_LOAD covers the mapping.
  std::optional<uint64_t> load_bias;
  // Raw GNU build-id bytes (NT_GNU_BUILD_ID), empty when none was found.
  std::string build_id;
  bool deleted = false;
  bool executable = false;
  // Set for an assembly a single-file app bundles: its mappings are of the executable, and
  // `path` is the name the runtime gives the assembly (module_map_builder.h).
  std::optional<binary::FileRange> bundled;

  bool Contains(uint64_t address) const { return address >= base && address < end; }
};

class ModuleMap {
 public:
  ModuleMap() = default;
  ModuleMap(std::vector<Mapping> mappings, std::vector<LoadedModule> modules,
            std::vector<NamedBundledFile> bundled_files = {});

  absl::Span<const Mapping> mappings() const { return mappings_; }
  absl::Span<const LoadedModule> modules() const { return modules_; }
  // The assemblies and PDBs the single-file apps among the mapped files bundle, mapped or not
  // (none of an executable deleted since it was mapped: its path may name another file).
  absl::Span<const NamedBundledFile> bundled_files() const { return bundled_files_; }

  // The mapping or module containing `address`, or nullptr.
  const Mapping* FindMapping(uint64_t address) const;
  const LoadedModule* FindModule(uint64_t address) const;
  // Index of the module containing `address` in modules(), or -1.
  int FindModuleIndex(uint64_t address) const;

 private:
  std::vector<Mapping> mappings_;  // sorted by start
  std::vector<LoadedModule> modules_;    // sorted by base, non-overlapping
  std::vector<NamedBundledFile> bundled_files_;
};

}  // namespace ddcrash

#endif  // DDCRASH_PTRACE_MODULE_MAP_H_
