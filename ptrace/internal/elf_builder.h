// Small ELF64 images built in memory, for tests of ELF parsing.
#ifndef DDCRASH_PTRACE_INTERNAL_ELF_BUILDER_H_
#define DDCRASH_PTRACE_INTERNAL_ELF_BUILDER_H_

#include <cstdint>
#include <string>
#include <vector>

namespace ddcrash::ptrace_internal {

// An ELF64 x86-64 shared object of `size` bytes (at least one page): a file header, a PT_LOAD
// of the whole file at virtual address `vaddr`, and a PT_NOTE holding an NT_GNU_ABI_TAG note
// followed by an NT_GNU_BUILD_ID note with `build_id` (no build-id note when it is empty).
std::vector<uint8_t> BuildTestElf(uint64_t vaddr, const std::string& build_id,
                                  size_t size = 4096);

// Where BuildTestElf puts the program headers and the note segment.
inline constexpr uint64_t kTestElfPhoff = 64;
inline constexpr uint64_t kTestElfNotesOffset = 64 + 2 * 56;

}  // namespace ddcrash::ptrace_internal

#endif  // DDCRASH_PTRACE_INTERNAL_ELF_BUILDER_H_
