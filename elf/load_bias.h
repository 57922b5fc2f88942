// The load bias of a mapped ELF image: run-time address minus the file's virtual address.
// Computed once per module by the module map (ptrace/module_map_builder.cc); everything else
// reads LoadedModule::load_bias.
#ifndef DDCRASH_ELF_LOAD_BIAS_H_
#define DDCRASH_ELF_LOAD_BIAS_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "elf/elf_header.h"

namespace ddcrash {

// The load bias of an image given one of its mappings: `mapping_start` is where the file
// bytes at `mapping_offset` are mapped. Uses the PT_LOAD covering that offset; for the
// mapping at offset 0 this is base - p_vaddr of the first PT_LOAD. Fails when no PT_LOAD
// covers the offset.
absl::StatusOr<uint64_t> ComputeLoadBias(absl::Span<const ElfProgramHeader> headers,
                                         uint64_t mapping_start, uint64_t mapping_offset);

}  // namespace ddcrash

#endif  // DDCRASH_ELF_LOAD_BIAS_H_
