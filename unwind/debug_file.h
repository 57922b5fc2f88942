// Locating the separate debug file of an ELF file: by GNU build id under
// <root>/.build-id/xx/rest.debug, and by .gnu_debuglink in the file's directory, its .debug/
// subdirectory and <root>/<directory>. A build-id candidate must carry the same build id; a
// debuglink candidate must match the CRC-32 recorded in the link (and the build id, if both
// files have one).
#ifndef DDCRASH_UNWIND_DEBUG_FILE_H_
#define DDCRASH_UNWIND_DEBUG_FILE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "elf/elf_file.h"
#include "ptrace/target_files.h"

namespace ddcrash {

struct DebugFileOptions {
  // Global debug directories, searched in order.
  std::vector<std::string> debug_roots = {"/usr/lib/debug"};
};

// CRC-32 (IEEE 802.3, reflected, as used by .gnu_debuglink) of `data`, continuing from `crc`.
uint32_t DebugLinkCrc32(std::string_view data, uint32_t crc = 0);
// CRC-32 of a whole file, read with pread in chunks.
absl::StatusOr<uint32_t> DebugLinkCrc32OfFile(const std::string& path);


// Candidate paths, in search order, for an ELF file at `elf_path` with the given raw build id
// and debuglink (either may be empty). Only names; nothing is opened.
std::vector<std::string> BuildIdDebugPaths(std::string_view build_id,
                                           const DebugFileOptions& options);
std::vector<std::string> DebugLinkPaths(const std::string& elf_path, std::string_view link_name,
                                        const DebugFileOptions& options);

// Opens the first matching separate debug file for `elf`, whose path is `elf_path` in the file
// system `files` stands for (a target's, ptrace/target_files.h): every candidate, the global
// debug roots too, is a path of that file system, opened through it (its links followed
// inside its root). NotFound when there is none.
absl::StatusOr<std::unique_ptr<ElfFile>> OpenSeparateDebugFile(
    const ElfFile& elf, const std::string& elf_path, const DebugFileOptions& options,
    const TargetFiles& files = TargetFiles::Local());

}  // namespace ddcrash

#endif  // DDCRASH_UNWIND_DEBUG_FILE_H_
