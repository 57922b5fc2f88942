// A bounded reader of standalone portable PDBs (the runtime's
// docs/design/specs/PortablePdb-Metadata.md): the #Pdb stream (id, entry point), the Document
// and MethodDebugInformation tables, sequence points, and the source line of an IL offset.
#ifndef DDCRASH_PDB_PORTABLE_PDB_H_
#define DDCRASH_PDB_PORTABLE_PDB_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "metadata/metadata_reader.h"
#include "pdb/sequence_points.h"

namespace ddcrash::pdb {

using PdbId = std::array<uint8_t, 20>;  // GUID (16 bytes as stored) then stamp (LE)

// "<guid>-<stamp as 8 hex digits>", e.g. "1f2e...-5c3a9b01" (GUID as .NET prints it).
std::string FormatPdbId(const PdbId& id);

struct SourceLocation {
  std::string file;  // the document name, as the compiler recorded it
  uint32_t line = 0;
  uint32_t column = 0;
};

class PortablePdb {
 public:
  static constexpr size_t kMaxPdbSize = size_t{256} << 20;
  // Document names longer than this are refused (a name blob may repeat one large part).
  static constexpr size_t kMaxDocumentName = 64 * 1024;

  static absl::StatusOr<PortablePdb> FromBytes(std::string bytes);
  static absl::StatusOr<PortablePdb> FromFile(const std::string& path);

  const PdbId& id() const { return reader_.pdb_stream()->id; }
  uint32_t entry_point() const { return reader_.pdb_stream()->entry_point; }
  uint32_t document_count() const { return reader_.RowCount(metadata::Table::kDocument); }
  // Rows of MethodDebugInformation: 0, or as many as the assembly has MethodDefs.
  uint32_t method_count() const {
    return reader_.RowCount(metadata::Table::kMethodDebugInformation);
  }

  // The name of Document row `row` (1-based).
  absl::StatusOr<std::string> DocumentName(uint32_t row) const;
  // The sequence points of MethodDef `method_token` (0x06xxxxxx); empty when it has none.
  absl::StatusOr<std::vector<SequencePoint>> SequencePoints(uint32_t method_token) const;

  // The source location the runtime's own stack trace shows for `il_offset` in the method:
  // the last non-hidden sequence point whose IL offset is <= il_offset. A hidden point does
  // not end the previous point's range (the runtime walks past it too), so an offset covered
  // by a hidden point gets the line before it. nullopt when no such point exists (no
  // sequence points, or only hidden ones or ones after il_offset).
  absl::StatusOr<std::optional<SourceLocation>> Lookup(uint32_t method_token,
                                                       uint32_t il_offset) const;

 private:
  PortablePdb(std::unique_ptr<const std::string> bytes, metadata::MetadataReader reader)
      : bytes_(std::move(bytes)), reader_(std::move(reader)) {}

  std::unique_ptr<const std::string> bytes_;  // the reader's views point into it
  metadata::MetadataReader reader_;
};

}  // namespace ddcrash::pdb

#endif  // DDCRASH_PDB_PORTABLE_PDB_H_
