// libFuzzer entry point for the .eh_frame_hdr parser and its table lookup.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "unwind/eh_frame_hdr.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  uint64_t address = 0x400000;
  if (size >= 8) {
    std::memcpy(&address, data, 8);
    data += 8;
    size -= 8;
  }
  absl::Span<const uint8_t> span(data, size);
  absl::StatusOr<ddcrash::EhFrameHdr> hdr = ddcrash::ParseEhFrameHdr(span, address);
  if (hdr.ok()) {
    ddcrash::LookupFdeAddress(span, *hdr, address, address);
    ddcrash::LookupFdeAddress(span, *hdr, address, address + 0x100);
    ddcrash::LookupFdeAddress(span, *hdr, address, 0);
  }
  return 0;
}
