// libFuzzer target: any bytes give a PE image or an error; every reader of it answers or fails.
#include <cstddef>
#include <cstdint>
#include <string>

#include "pe/pe_image.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::StatusOr<ddcrash::pe::PeImage> image =
      ddcrash::pe::PeImage::FromBytes(std::string(reinterpret_cast<const char*>(data), size));
  if (!image.ok()) return 0;
  (void)image->Metadata();
  absl::StatusOr<std::vector<ddcrash::pe::DebugEntry>> entries = image->DebugDirectory();
  if (!entries.ok()) return 0;
  for (const ddcrash::pe::DebugEntry& e : *entries) {
    (void)image->DebugDataRange(e);
    (void)image->ReadCodeView(e);
    (void)image->InflateEmbeddedPdb(e);
    (void)image->ReadPdbChecksum(e);
  }
  return 0;
}
