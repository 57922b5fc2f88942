// libFuzzer target: any bytes give a portable PDB or an error; every document name, every
// method's sequence points and lookups answer or fail.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "pdb/portable_pdb.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::StatusOr<ddcrash::pdb::PortablePdb> pdb = ddcrash::pdb::PortablePdb::FromBytes(
      std::string(reinterpret_cast<const char*>(data), size));
  if (!pdb.ok()) return 0;
  for (uint32_t row = 0; row <= pdb->document_count() + 1 && row < 1024; ++row) {
    absl::StatusOr<std::string> name = pdb->DocumentName(row);
    if (name.ok() && name->size() > ddcrash::pdb::PortablePdb::kMaxDocumentName) abort();
  }
  for (uint32_t row = 0; row <= pdb->method_count() + 1 && row < 4096; ++row) {
    absl::StatusOr<std::vector<ddcrash::pdb::SequencePoint>> points =
        pdb->SequencePoints(0x06000000 | row);
    if (!points.ok()) continue;
    for (size_t i = 1; i < points->size(); ++i) {
      if ((*points)[i].il_offset <= (*points)[i - 1].il_offset) abort();  // strictly increasing
    }
    for (uint32_t il : {0u, 1u, 7u, 100u}) (void)pdb->Lookup(0x06000000 | row, il);
  }
  return 0;
}
