// Parsing of the .eh_frame_hdr section (PT_GNU_EH_FRAME): the pointer to .eh_frame and the
// sorted binary-search table of (initial location, FDE address) pairs that libunwind's
// dwarf_search_unwind_table reads from the target with UNW_INFO_FORMAT_REMOTE_TABLE.
#ifndef DDCRASH_ELF_EH_FRAME_HDR_H_
#define DDCRASH_ELF_EH_FRAME_HDR_H_

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "elf/byte_reader.h"

namespace ddcrash {

// DWARF exception-header pointer encodings (DW_EH_PE_*).
inline constexpr uint8_t kDwEhPeOmit = 0xff;
inline constexpr uint8_t kDwEhPeDatarelSdata4 = 0x3b;

struct EhFrameHdr {
  uint8_t version = 0;
  uint8_t eh_frame_ptr_enc = 0;
  uint8_t fde_count_enc = 0;
  uint8_t table_enc = 0;
  uint64_t eh_frame_ptr = 0;  // address of .eh_frame (same address space as `hdr_address`)
  uint64_t fde_count = 0;
  // Offset of the search table from the start of the section; the table holds fde_count
  // entries of two int32 values each, relative to the section start (datarel, sdata4).
  uint64_t table_offset = 0;
  // Whether a binary-search table in the one format libunwind can search is present.
  bool has_search_table = false;
};

// Decodes a DW_EH_PE-encoded pointer at the reader's position. `pc` is the address of the
// byte being read (for pcrel), `data_base` the section address (for datarel). Returns nullopt
// for truncated input and unsupported encodings (indirect, textrel, funcrel, aligned).
std::optional<uint64_t> ReadEncodedPointer(elf_internal::ByteReader& reader, uint8_t encoding,
                                           uint64_t pc, uint64_t data_base);

// Parses the section bytes; `hdr_address` is the address the first byte has (an ELF vaddr,
// or a run-time address). The search table must lie entirely within `data`.
absl::StatusOr<EhFrameHdr> ParseEhFrameHdr(absl::Span<const uint8_t> data, uint64_t hdr_address);

}  // namespace ddcrash

#endif  // DDCRASH_ELF_EH_FRAME_HDR_H_
