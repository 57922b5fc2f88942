// A bounded reader of ECMA-335 metadata (II.24): the BSJB root, its streams (#~ or #-,
// #Strings, #Blob, #GUID, #US, and a portable PDB's #Pdb), and the tables stream with the
// physical layout computed from heap sizes and the row counts of every table. Shared by the
// assembly side (pe/ finds the metadata, this reads MVID and methods) and pdb/.
//
// Every offset, size and count comes from untrusted bytes and is checked; a malformed input
// gives InvalidArgument, never a read outside the given view.
#ifndef DDCRASH_METADATA_METADATA_READER_H_
#define DDCRASH_METADATA_METADATA_READER_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "metadata/internal/table_layout.h"

namespace ddcrash::metadata {

// Table numbers used outside this package (II.22, Portable PDB specification).
enum class Table : uint8_t {
  kModule = 0x00,
  kMethodDef = 0x06,
  kDocument = 0x30,
  kMethodDebugInformation = 0x31,
};

using Guid = std::array<uint8_t, 16>;  // the 16 bytes as stored

// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" the way .NET prints a Guid (first three fields
// little-endian).
std::string FormatGuid(const Guid& guid);

// The #Pdb stream of a standalone portable PDB.
struct PdbStream {
  std::array<uint8_t, 20> id{};  // GUID (16 bytes) then stamp (4 bytes, little-endian)
  uint32_t entry_point = 0;      // MethodDef token or 0
  uint64_t referenced_tables = 0;
  std::array<uint32_t, internal::kTableCount> type_system_rows{};  // 0 when not referenced
};

class MetadataReader {
 public:
  // `metadata` (the bytes the CLI header or a .pdb file holds) must outlive the reader.
  static absl::StatusOr<MetadataReader> Parse(absl::string_view metadata);

  absl::string_view version() const { return version_; }
  const std::optional<PdbStream>& pdb_stream() const { return pdb_; }

  // Rows of `table` in this metadata's own tables stream.
  uint32_t RowCount(Table table) const { return rows_[static_cast<int>(table)]; }
  // The tables stream marks `table` sorted (by its key column, II.22).
  bool Sorted(Table table) const { return (sorted_ >> static_cast<int>(table)) & 1; }
  uint32_t RowSize(int table) const { return layout_.row_size[table]; }
  uint8_t ColumnWidth(int table, int column) const { return layout_.column_width[table][column]; }

  // Column `column` (0-based) of row `row` (1-based) of `table`: a constant, a heap index,
  // a row number or a raw coded index. InvalidArgument for a row or column out of range.
  absl::StatusOr<uint32_t> Cell(Table table, uint32_t row, int column) const;

  // Heap entries. Index 0 of #Strings and #Blob is the empty entry; #GUID index 0 is nil
  // (InvalidArgument, as is any index outside its heap or a string without its NUL).
  absl::StatusOr<absl::string_view> String(uint32_t index) const;
  absl::StatusOr<absl::string_view> Blob(uint32_t index) const;
  absl::StatusOr<Guid> GuidAt(uint32_t index) const;

 private:
  MetadataReader() = default;
  absl::Status ParseTables(absl::string_view stream, bool uncompressed);

  absl::string_view version_;
  absl::string_view strings_, blobs_, guids_, user_strings_;
  std::optional<PdbStream> pdb_;
  std::array<uint32_t, internal::kTableCount> rows_{};
  uint64_t sorted_ = 0;
  std::array<absl::string_view, internal::kTableCount> table_data_{};
  internal::TableLayout layout_;
};

// The Module table's MVID (an assembly's metadata).
absl::StatusOr<Guid> ModuleMvid(const MetadataReader& reader);
// `size` bytes at `offset` of some metadata, read now.
using MetadataRangeReader =
    absl::FunctionRef<absl::StatusOr<std::string>(uint32_t offset, uint32_t size)>;
// ModuleMvid of the metadata of `metadata_size` bytes that `read` reads, reading only its
// root, the tables stream's header, the Module row's MVID cell and that #GUID entry (under
// 1.5 KiB; Parse needs all of it: 3 MiB for System.Private.CoreLib).
absl::StatusOr<Guid> ReadModuleMvid(uint32_t metadata_size, MetadataRangeReader read);
// The name of MethodDef `token` (0x06xxxxxx).
absl::StatusOr<absl::string_view> MethodDefName(const MetadataReader& reader, uint32_t token);

}  // namespace ddcrash::metadata

#endif  // DDCRASH_METADATA_METADATA_READER_H_
