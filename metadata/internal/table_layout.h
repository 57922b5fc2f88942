// The ECMA-335 (II.22, II.24.2.6) and Portable PDB table schema, and the physical layout it
// implies: every column's width and offset, computed from heap size flags and the row counts
// of all tables (a PDB's references to type-system tables use the counts its #Pdb stream gives).
#ifndef DDCRASH_METADATA_INTERNAL_TABLE_LAYOUT_H_
#define DDCRASH_METADATA_INTERNAL_TABLE_LAYOUT_H_

#include <array>
#include <cstdint>

#include "absl/types/span.h"

namespace ddcrash::metadata::internal {

inline constexpr int kTableCount = 64;  // bits of the tables stream's Valid mask
inline constexpr int kMaxColumns = 9;   // Assembly and AssemblyRef

enum class ColumnKind : uint8_t {
  kFixed2,  // also Constant's Type byte with its padding byte
  kFixed4,
  kString,  // #Strings heap index
  kGuid,    // #GUID heap index
  kBlob,    // #Blob heap index
  kTable,   // simple index into table `arg`
  kCoded,   // coded index of kind `arg` (CodedIndex)
};

enum class CodedIndex : uint8_t {
  kTypeDefOrRef,
  kHasConstant,
  kHasCustomAttribute,
  kHasFieldMarshal,
  kHasDeclSecurity,
  kMemberRefParent,
  kHasSemantics,
  kMethodDefOrRef,
  kMemberForwarded,
  kImplementation,
  kCustomAttributeType,
  kResolutionScope,
  kTypeOrMethodDef,
  kHasCustomDebugInformation,
};

struct Column {
  ColumnKind kind;
  uint8_t arg = 0;
};

// The columns of table `table`; empty for a table number no specification defines.
absl::Span<const Column> TableColumns(int table);

struct HeapSizes {
  bool large_strings = false;
  bool large_guids = false;
  bool large_blobs = false;
};

struct TableLayout {
  std::array<uint32_t, kTableCount> row_size{};
  std::array<std::array<uint8_t, kMaxColumns>, kTableCount> column_offset{};
  std::array<std::array<uint8_t, kMaxColumns>, kTableCount> column_width{};
};

// `sizing_rows[t]` is the row count that decides the width of indices into table t.
// `all_large`: every index is 4 bytes wide (an uncompressed "#-" stream of a minimal EnC delta).
TableLayout ComputeLayout(const std::array<uint32_t, kTableCount>& sizing_rows, HeapSizes heaps,
                          bool all_large);

}  // namespace ddcrash::metadata::internal

#endif  // DDCRASH_METADATA_INTERNAL_TABLE_LAYOUT_H_
