#include "elf/load_bias.h"

#include <elf.h>

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace ddcrash {
namespace {

constexpr uint64_t kPageSize = 4096;

}  // namespace

absl::StatusOr<uint64_t> ComputeLoadBias(absl::Span<const ElfProgramHeader> headers,
                                         uint64_t mapping_start, uint64_t mapping_offset) {
  // Adjacent segments can share a file page, which then appears at two virtual addresses.
  // The loader starts each segment's mapping at the page holding its p_offset, so a segment
  // starting exactly at the mapping's offset is the one mapped there.
  const ElfProgramHeader* covering = nullptr;
  for (const ElfProgramHeader& h : headers) {
    if (h.type != PT_LOAD) continue;
    // Mappings start on page boundaries, so the segment's bytes are mapped from the page
    // holding p_offset to p_offset + p_filesz.
    uint64_t first = h.offset - h.offset % kPageSize;
    if (mapping_offset < first) continue;
    uint64_t head = h.offset - first;
    uint64_t last_delta = std::max<uint64_t>(h.filesz, 1) - 1;
    uint64_t limit = last_delta > UINT64_MAX - head ? UINT64_MAX : head + last_delta;
    if (mapping_offset - first > limit) continue;
    if (covering == nullptr || first == mapping_offset) covering = &h;
    if (first == mapping_offset) break;
  }
  if (covering != nullptr) {
    // The file byte at `mapping_offset` has this virtual address (unsigned wrap-around is
    // harmless: a corrupt header yields a wrong bias, never undefined behaviour).
    uint64_t vaddr = covering->vaddr - covering->offset + mapping_offset;
    return mapping_start - vaddr;
  }
  return absl::NotFoundError(absl::StrFormat("no PT_LOAD covers file offset 0x%x", mapping_offset));
}

}  // namespace ddcrash
