// Turning the mappings of a process into modules: which file each mapping belongs to, what
// kind of image it is, and for ELF images the load bias and build id.
#ifndef DDCRASH_PTRACE_MODULE_MAP_BUILDER_H_
#define DDCRASH_PTRACE_MODULE_MAP_BUILDER_H_

#include <sys/types.h>

#include <vector>

#include "ptrace/module_map.h"
#include "ptrace/process_memory.h"

namespace ddcrash {

// Groups `mappings` into modules and identifies them:
// - Consecutive mappings of one file (same device, inode and path) form one module, even with
//   anonymous mappings (.bss) between them; a mapping of another file, an anonymous executable
//   region, or a mapping whose file offset does not increase starts a new module (a file
//   mapped twice gives two modules).
// - The kind comes from the file's first bytes ("\x7f" "ELF" or "MZ"), read from target memory
//   when the module has a readable mapping of file offset 0, else from the file.
// - ELF modules get their load bias from the program headers and their build id from the
//   PT_NOTE segments, read from target memory, falling back to the file.
// - "[vdso]" is an ELF module; every other anonymous executable mapping becomes a
//   kAnonymousExecutable module of its own (JIT code, trampolines), and so does every
//   executable "/memfd:" mapping (.NET double-maps its JIT code through a memfd).
// - A single-file app (an ELF host with a mapping past its PT_LOADs and a bundle manifest,
//   bundle/bundle_manifest.h): each run of its mappings at one bundled assembly's bytes (a flat
//   view, shared, is one mapping; a loaded image's headers and sections join) is a kPe module
//   named as the runtime names the assembly (the executable's directory and the bundled path),
//   with `bundled` saying where it lies; ModuleMap::bundled_files() lists every uncompressed
//   bundled assembly and PDB so.
// Files are opened through /proc/PID/map_files/ when `pid` is non-zero (this works for deleted
// files and other mount namespaces), then by path. Failures to identify a module leave it
// kOtherFile or without a build id; they never fail the whole map.
ModuleMap BuildModuleMap(std::vector<Mapping> mappings, ProcessMemory& memory, pid_t pid = 0);

}  // namespace ddcrash

#endif  // DDCRASH_PTRACE_MODULE_MAP_BUILDER_H_
