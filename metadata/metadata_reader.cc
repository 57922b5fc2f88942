#include "metadata/metadata_reader.h"

#include <algorithm>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "binary/byte_reader.h"
#include "metadata/compressed_integer.h"

namespace ddcrash::metadata {
namespace {

using binary::ByteReader;
using internal::kTableCount;

constexpr uint32_t kRootSignature = 0x424a5342;  // "BSJB"
constexpr uint32_t kMaxVersionLength = 255;      // II.24.2.1
constexpr size_t kMaxStreamName = 32;            // II.24.2.2
constexpr uint16_t kMaxStreams = 16;
// Row numbers are the low 24 bits of a token.
constexpr uint32_t kMaxRows = 0x00ffffff;
constexpr int kFirstDebugTable = 0x30;

absl::Status Invalid(absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat("metadata: ", message));
}

}  // namespace

std::string FormatGuid(const Guid& g) {
  return absl::StrFormat(
      "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", g[3], g[2], g[1],
      g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11], g[12], g[13], g[14], g[15]);
}

namespace {

// Where a stream lies in the metadata; size 0 and no data when absent.
struct StreamRange {
  uint32_t offset = 0;
  uint32_t size = 0;
  bool present = false;
};

// The metadata root (II.24.2.1) and its stream headers: at most this many bytes.
constexpr size_t kMaxRootSize = 20 + kMaxVersionLength + 1 + 4 + kMaxStreams * (8 + kMaxStreamName + 4);

struct Root {
  absl::string_view version;  // into the bytes given to ParseRoot
  StreamRange tables, strings, blobs, guids, user_strings, pdb;
  bool uncompressed = false;  // "#-" rather than "#~"
};

// The root at the start of `root`, of metadata `metadata_size` bytes long (`root` may hold
// less than all of it): every stream must lie in the metadata.
absl::StatusOr<Root> ParseRoot(absl::string_view root, uint64_t metadata_size) {
  Root out;
  ByteReader r(root);
  if (r.U32() != kRootSignature || !r.ok()) return Invalid("no BSJB signature");
  r.Skip(2 + 2 + 4);  // major, minor, reserved
  uint32_t version_length = r.U32();
  if (!r.ok() || version_length > kMaxVersionLength + 1) {
    return Invalid("bad version string length");
  }
  absl::string_view version = r.Bytes((version_length + 3) & ~3u);
  out.version = version.substr(0, version.find('\0'));
  r.Skip(2);  // flags
  uint16_t stream_count = r.U16();
  if (!r.ok()) return Invalid("truncated metadata root");
  if (stream_count > kMaxStreams) return Invalid(absl::StrCat(stream_count, " streams"));
  for (uint16_t i = 0; i < stream_count; ++i) {
    uint32_t offset = r.U32();
    uint32_t size = r.U32();
    size_t name_start = r.offset();
    std::string name;
    while (r.ok() && name.size() <= kMaxStreamName) {
      char c = static_cast<char>(r.U8());
      if (c == '\0') break;
      name.push_back(c);
    }
    r.Seek(name_start + ((r.offset() - name_start + 3) & ~size_t{3}));
    if (!r.ok() || name.size() > kMaxStreamName) return Invalid("truncated stream header");
    if (offset > metadata_size || size > metadata_size - offset) {
      return Invalid(absl::StrFormat("stream %s at 0x%x+0x%x lies outside the metadata", name,
                                     offset, size));
    }
    StreamRange* slot = nullptr;
    if (name == "#~" || name == "#-") {
      slot = &out.tables;
      out.uncompressed = name == "#-";
    } else if (name == "#Strings") {
      slot = &out.strings;
    } else if (name == "#Blob") {
      slot = &out.blobs;
    } else if (name == "#GUID") {
      slot = &out.guids;
    } else if (name == "#US") {
      slot = &out.user_strings;
    } else if (name == "#Pdb") {
      slot = &out.pdb;
    } else {
      continue;  // unknown streams carry nothing we read
    }
    if (slot->present) return Invalid(absl::StrCat("stream ", name, " twice"));
    *slot = StreamRange{offset, size, true};
  }
  if (!out.tables.present) return Invalid("no tables stream (#~ or #-)");
  return out;
}

absl::string_view View(absl::string_view metadata, const StreamRange& stream) {
  return stream.present ? metadata.substr(stream.offset, stream.size) : absl::string_view();
}

// The tables stream's header (II.24.2.6): at most this many bytes.
constexpr size_t kMaxTablesHeaderSize = 24 + 4 * kTableCount + 4;

struct TablesHeader {
  uint8_t heap_sizes = 0;
  uint64_t sorted = 0;
  std::array<uint32_t, kTableCount> rows{};
  size_t size = 0;  // where the first table's rows begin
};

// The header at the start of `stream` (which may hold less than all of the stream); `pdb`:
// the tables of a portable PDB, which may hold no type-system table.
absl::StatusOr<TablesHeader> ParseTablesHeader(absl::string_view stream, bool pdb) {
  TablesHeader out;
  ByteReader r(stream);
  r.Skip(4 + 1 + 1);  // reserved, major, minor
  out.heap_sizes = r.U8();
  r.Skip(1);
  uint64_t valid = r.U64();
  out.sorted = r.U64();
  if (!r.ok()) return Invalid("truncated tables stream header");
  for (int t = 0; t < kTableCount; ++t) {
    if (((valid >> t) & 1) == 0) continue;
    // A table we cannot size would misplace every table after it.
    if (internal::TableColumns(t).empty()) return Invalid(absl::StrFormat("unknown table 0x%02x", t));
    if (pdb && t < kFirstDebugTable) {
      return Invalid(absl::StrFormat("portable PDB holds type-system table 0x%02x", t));
    }
    out.rows[t] = r.U32();
    if (out.rows[t] > kMaxRows) return Invalid(absl::StrFormat("table 0x%02x: too many rows", t));
  }
  if (out.heap_sizes & 0x40) r.Skip(4);  // extra data after the row counts
  if (!r.ok()) return Invalid("truncated row counts");
  out.size = r.offset();
  return out;
}

internal::TableLayout LayoutOf(const TablesHeader& header,
                               const std::array<uint32_t, kTableCount>& sizing_rows,
                               bool uncompressed) {
  const uint8_t flags = header.heap_sizes;
  internal::HeapSizes heaps{(flags & 0x01) != 0, (flags & 0x02) != 0, (flags & 0x04) != 0};
  // A minimal EnC delta ("#-" with the EnC-deltas flag) widens every index to 4 bytes.
  return internal::ComputeLayout(sizing_rows, heaps, uncompressed && (flags & 0x20));
}

}  // namespace

absl::StatusOr<MetadataReader> MetadataReader::Parse(absl::string_view metadata) {
  absl::StatusOr<Root> root = ParseRoot(metadata, metadata.size());
  if (!root.ok()) return root.status();
  MetadataReader reader;
  reader.version_ = root->version;
  reader.strings_ = View(metadata, root->strings);
  reader.blobs_ = View(metadata, root->blobs);
  reader.guids_ = View(metadata, root->guids);
  reader.user_strings_ = View(metadata, root->user_strings);
  absl::string_view tables = View(metadata, root->tables);
  absl::string_view pdb = View(metadata, root->pdb);
  const bool uncompressed = root->uncompressed;
  if (root->pdb.present) {
    ByteReader p(pdb);
    PdbStream stream;
    absl::string_view id = p.Bytes(20);
    if (p.ok()) std::copy(id.begin(), id.end(), stream.id.begin());
    stream.entry_point = p.U32();
    stream.referenced_tables = p.U64();
    for (int t = 0; t < kTableCount; ++t) {
      if ((stream.referenced_tables >> t) & 1) {
        if (t >= kFirstDebugTable || internal::TableColumns(t).empty()) {
          return Invalid(absl::StrFormat("#Pdb references table 0x%02x, not a type-system table", t));
        }
        stream.type_system_rows[t] = p.U32();
        if (stream.type_system_rows[t] > kMaxRows) return Invalid("#Pdb row count too large");
      }
    }
    if (!p.ok()) return Invalid("truncated #Pdb stream");
    reader.pdb_ = stream;
  }
  if (absl::Status s = reader.ParseTables(tables, uncompressed); !s.ok()) return s;
  return reader;
}

absl::Status MetadataReader::ParseTables(absl::string_view stream, bool uncompressed) {
  absl::StatusOr<TablesHeader> header = ParseTablesHeader(stream, pdb_.has_value());
  if (!header.ok()) return header.status();
  rows_ = header->rows;
  sorted_ = header->sorted;
  std::array<uint32_t, kTableCount> sizing_rows = rows_;
  if (pdb_.has_value()) {
    for (int t = 0; t < kFirstDebugTable; ++t) sizing_rows[t] = pdb_->type_system_rows[t];
  }
  layout_ = LayoutOf(*header, sizing_rows, uncompressed);
  uint64_t offset = header->size;
  for (int t = 0; t < kTableCount; ++t) {
    if (rows_[t] == 0) continue;
    uint64_t size = uint64_t{rows_[t]} * layout_.row_size[t];
    absl::StatusOr<absl::string_view> data =
        binary::Slice(stream, offset, size, absl::StrFormat("table 0x%02x", t));
    if (!data.ok()) return Invalid(data.status().message());
    table_data_[t] = *data;
    offset += size;
  }
  return absl::OkStatus();
}

absl::StatusOr<uint32_t> MetadataReader::Cell(Table table, uint32_t row, int column) const {
  const int t = static_cast<int>(table);
  if (row == 0 || row > rows_[t]) {
    return Invalid(absl::StrFormat("row %u of table 0x%02x (%u rows)", row, t, rows_[t]));
  }
  if (column < 0 || static_cast<size_t>(column) >= internal::TableColumns(t).size()) {
    return Invalid(absl::StrFormat("column %d of table 0x%02x", column, t));
  }
  ByteReader r(table_data_[t]);
  r.Seek(size_t{row - 1} * layout_.row_size[t] + layout_.column_offset[t][column]);
  uint32_t value = layout_.column_width[t][column] == 4 ? r.U32() : r.U16();
  if (!r.ok()) return Invalid("cell outside its table");  // unreachable: sizes checked at Parse
  return value;
}

absl::StatusOr<absl::string_view> MetadataReader::String(uint32_t index) const {
  if (index >= strings_.size()) {
    if (index == 0) return absl::string_view();
    return Invalid(absl::StrCat("#Strings index ", index, " out of range"));
  }
  absl::string_view rest = strings_.substr(index);
  size_t end = rest.find('\0');
  if (end == absl::string_view::npos) return Invalid("#Strings entry without its NUL");
  return rest.substr(0, end);
}

absl::StatusOr<absl::string_view> MetadataReader::Blob(uint32_t index) const {
  if (index == 0) return absl::string_view();
  if (index >= blobs_.size()) return Invalid(absl::StrCat("#Blob index ", index, " out of range"));
  ByteReader r(blobs_.substr(index));
  absl::StatusOr<uint32_t> length = ReadCompressedUnsigned(r);
  if (!length.ok()) return Invalid(absl::StrCat("#Blob entry ", index, ": bad length"));
  absl::string_view blob = r.Bytes(*length);
  if (!r.ok()) return Invalid(absl::StrCat("#Blob entry ", index, " runs past the heap"));
  return blob;
}

absl::StatusOr<Guid> MetadataReader::GuidAt(uint32_t index) const {
  if (index == 0 || uint64_t{index} * 16 > guids_.size()) {
    return Invalid(absl::StrCat("#GUID index ", index, " out of range"));
  }
  Guid guid;
  absl::string_view bytes = guids_.substr(size_t{index - 1} * 16, 16);
  std::copy(bytes.begin(), bytes.end(), guid.begin());
  return guid;
}

absl::StatusOr<Guid> ModuleMvid(const MetadataReader& reader) {
  absl::StatusOr<uint32_t> index = reader.Cell(Table::kModule, 1, 2);
  if (!index.ok()) return index.status();
  return reader.GuidAt(*index);
}

absl::StatusOr<Guid> ReadModuleMvid(uint32_t metadata_size, MetadataRangeReader read) {
  absl::StatusOr<std::string> root_bytes = read(0, std::min<uint32_t>(metadata_size, kMaxRootSize));
  if (!root_bytes.ok()) return root_bytes.status();
  absl::StatusOr<Root> root = ParseRoot(*root_bytes, metadata_size);
  if (!root.ok()) return root.status();
  if (root->pdb.present) return Invalid("a portable PDB has no Module table");
  const StreamRange& tables = root->tables;
  absl::StatusOr<std::string> header_bytes =
      read(tables.offset, std::min<uint32_t>(tables.size, kMaxTablesHeaderSize));
  if (!header_bytes.ok()) return header_bytes.status();
  absl::StatusOr<TablesHeader> header = ParseTablesHeader(*header_bytes, false);
  if (!header.ok()) return header.status();
  constexpr int kModule = static_cast<int>(Table::kModule);
  constexpr int kMvidColumn = 2;
  if (header->rows[kModule] == 0) return Invalid("row 1 of table 0x00 (0 rows)");
  // The Module table comes first: its row follows the header.
  const internal::TableLayout layout = LayoutOf(*header, header->rows, root->uncompressed);
  if (header->size + layout.row_size[kModule] > tables.size) return Invalid("table 0x00 cut short");
  const uint8_t width = layout.column_width[kModule][kMvidColumn];
  absl::StatusOr<std::string> cell =
      read(tables.offset + header->size + layout.column_offset[kModule][kMvidColumn], width);
  if (!cell.ok()) return cell.status();
  ByteReader c(*cell);
  const uint32_t index = width == 4 ? c.U32() : c.U16();
  if (!c.ok()) return Invalid("cut-short read of the Module row");
  if (index == 0 || uint64_t{index} * 16 > root->guids.size) {
    return Invalid(absl::StrCat("#GUID index ", index, " out of range"));
  }
  absl::StatusOr<std::string> bytes = read(root->guids.offset + (index - 1) * 16, 16);
  if (!bytes.ok()) return bytes.status();
  if (bytes->size() != 16) return Invalid("cut-short read of the MVID");
  Guid guid;
  std::copy(bytes->begin(), bytes->end(), guid.begin());
  return guid;
}

absl::StatusOr<absl::string_view> MethodDefName(const MetadataReader& reader, uint32_t token) {
  if ((token >> 24) != static_cast<uint32_t>(Table::kMethodDef)) {
    return Invalid(absl::StrFormat("0x%08x is not a MethodDef token", token));
  }
  absl::StatusOr<uint32_t> name = reader.Cell(Table::kMethodDef, token & kMaxRows, 3);
  if (!name.ok()) return name.status();
  return reader.String(*name);
}

}  // namespace ddcrash::metadata
