// Decoding of a method's sequence points blob (Portable PDB specification, "Sequence Points
// Blob"): the header, the first record, document records, delta IL offsets, delta lines and
// columns in the signed compressed encoding, hidden sequence points.
#ifndef DDCRASH_PDB_SEQUENCE_POINTS_H_
#define DDCRASH_PDB_SEQUENCE_POINTS_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ddcrash::pdb {

inline constexpr uint32_t kHiddenLine = 0xfeefee;

struct SequencePoint {
  uint32_t il_offset = 0;
  uint32_t start_line = 0;
  uint32_t start_column = 0;
  uint32_t end_line = 0;
  uint32_t end_column = 0;
  uint32_t document = 0;  // Document table row
  bool hidden() const { return start_line == kHiddenLine; }
  bool operator==(const SequencePoint&) const = default;
};

// The points of `blob` in IL-offset order. `document` is the MethodDebugInformation row's
// Document column (0: the blob names its initial document); every document row must be
// in [1, document_count]. InvalidArgument when the blob breaks the specification's rules.
absl::StatusOr<std::vector<SequencePoint>> DecodeSequencePoints(absl::string_view blob,
                                                                uint32_t document,
                                                                uint32_t document_count);

}  // namespace ddcrash::pdb

#endif  // DDCRASH_PDB_SEQUENCE_POINTS_H_
