// Where to read a module's file from: its path in the target's view of the file system
// (ptrace/target_files.h: through /proc/PID/root for a target in another mount namespace), or
// /proc/PID/map_files/<start>-<end> when the file was deleted (or replaced) after being mapped. The module's facts (load bias, build id)
// come from the module map; the file is only checked against its build id.
#ifndef DDCRASH_UNWIND_MODULE_FILE_H_
#define DDCRASH_UNWIND_MODULE_FILE_H_

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ptrace/module_map.h"
#include "elf/elf_file.h"

namespace ddcrash {

// Paths to try for `module`, best first: the path itself (unless deleted; in the view of
// `pid`), then the map_files entry of the mapping that starts at module.base when `pid` is known.
std::vector<std::string> ModuleFileCandidates(const LoadedModule& module, std::optional<pid_t> pid);

// Opens the module's ELF file from the first candidate that parses and, when the module has a
// build id, carries the same one. Returns the ElfFile and sets *opened_path.
absl::StatusOr<std::unique_ptr<ElfFile>> OpenModuleElf(const LoadedModule& module,
                                                       std::optional<pid_t> pid,
                                                       std::string* opened_path);

}  // namespace ddcrash

#endif  // DDCRASH_UNWIND_MODULE_FILE_H_
