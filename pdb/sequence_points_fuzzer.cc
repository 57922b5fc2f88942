// libFuzzer target: any blob gives sequence points that keep the specification's ranges, or
// an error. The first byte picks the method's Document column.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "pdb/sequence_points.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  absl::string_view blob(reinterpret_cast<const char*>(data) + 1, size - 1);
  absl::StatusOr<std::vector<ddcrash::pdb::SequencePoint>> points =
      ddcrash::pdb::DecodeSequencePoints(blob, data[0] % 4, 3);
  if (!points.ok()) return 0;
  for (const ddcrash::pdb::SequencePoint& p : *points) {
    if (p.document == 0 || p.document > 3 || p.il_offset >= 0x20000000) abort();
    if (!p.hidden() && (p.start_column >= 0x10000 || p.end_column >= 0x10000)) abort();
  }
  return 0;
}
