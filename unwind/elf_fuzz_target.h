// The body of the ELF fuzzer, shared with the corpus replay test: parses `data` as an ELF file
// and exercises every parser of untrusted bytes (headers, sections, segments, symbol tables,
// notes, .gnu_debuglink, .eh_frame_hdr and its table lookup).
#ifndef DDCRASH_UNWIND_ELF_FUZZ_TARGET_H_
#define DDCRASH_UNWIND_ELF_FUZZ_TARGET_H_

#include <cstddef>
#include <cstdint>

namespace ddcrash {

// Returns true when the bytes parsed as ELF (for tests; the fuzzer ignores it).
bool FuzzElfBytes(const uint8_t* data, size_t size);

}  // namespace ddcrash

#endif  // DDCRASH_UNWIND_ELF_FUZZ_TARGET_H_
