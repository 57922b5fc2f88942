#include "metadata/metadata_reader.h"

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

absl::StatusOr<MetadataReader> MetadataReader::Parse(absl::string_view metadata) {
  MetadataReader reader;
  ByteReader r(metadata);
  if (r.U32() != kRootSignature || !r.ok()) return Invalid("no BSJB signature");
  r.Skip(2 + 2 + 4);  // major, minor, reserved
  uint32_t version_length = r.U32();
  if (!r.ok() || version_length > kMaxVersionLength + 1) {
    return Invalid("bad version string length");
  }
  absl::string_view version = r.Bytes((version_length + 3) & ~3u);
  reader.version_ = version.substr(0, version.find('\0'));
  r.Skip(2);  // flags
  uint16_t stream_count = r.U16();
  if (!r.ok()) return Invalid("truncated metadata root");
  if (stream_count > kMaxStreams) return Invalid(absl::StrCat(stream_count, " streams"));

  absl::string_view tables, pdb;
  bool uncompressed = false;
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
    absl::StatusOr<absl::string_view> data =
        binary::Slice(metadata, offset, size, absl::StrCat("stream ", name));
    if (!data.ok()) return Invalid(data.status().message());
    absl::string_view* slot = nullptr;
    if (name == "#~" || name == "#-") {
      slot = &tables;
      uncompressed = name == "#-";
    } else if (name == "#Strings") {
      slot = &reader.strings_;
    } else if (name == "#Blob") {
      slot = &reader.blobs_;
    } else if (name == "#GUID") {
      slot = &reader.guids_;
    } else if (name == "#US") {
      slot = &reader.user_strings_;
    } else if (name == "#Pdb") {
      slot = &pdb;
    } else {
      continue;  // unknown streams carry nothing we read
    }
    if (slot->data() != nullptr) return Invalid(absl::StrCat("stream ", name, " twice"));
    *slot = *data;
  }
  if (pdb.data() != nullptr) {
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
  if (tables.data() == nullptr) return Invalid("no tables stream (#~ or #-)");
  if (absl::Status s = reader.ParseTables(tables, uncompressed); !s.ok()) return s;
  return reader;
}

absl::Status MetadataReader::ParseTables(absl::string_view stream, bool uncompressed) {
  ByteReader r(stream);
  r.Skip(4 + 1 + 1);  // reserved, major, minor
  uint8_t heap_sizes = r.U8();
  r.Skip(1);
  uint64_t valid = r.U64();
  r.Skip(8);  // sorted
  if (!r.ok()) return Invalid("truncated tables stream header");
  std::array<uint32_t, kTableCount> sizing_rows{};
  for (int t = 0; t < kTableCount; ++t) {
    if (((valid >> t) & 1) == 0) continue;
    // A table we cannot size would misplace every table after it.
    if (internal::TableColumns(t).empty()) return Invalid(absl::StrFormat("unknown table 0x%02x", t));
    if (pdb_.has_value() && t < kFirstDebugTable) {
      return Invalid(absl::StrFormat("portable PDB holds type-system table 0x%02x", t));
    }
    rows_[t] = r.U32();
    if (rows_[t] > kMaxRows) return Invalid(absl::StrFormat("table 0x%02x: too many rows", t));
    sizing_rows[t] = rows_[t];
  }
  if (heap_sizes & 0x40) r.Skip(4);  // extra data after the row counts
  if (!r.ok()) return Invalid("truncated row counts");
  if (pdb_.has_value()) {
    for (int t = 0; t < kFirstDebugTable; ++t) sizing_rows[t] = pdb_->type_system_rows[t];
  }
  internal::HeapSizes heaps{(heap_sizes & 0x01) != 0, (heap_sizes & 0x02) != 0,
                            (heap_sizes & 0x04) != 0};
  // A minimal EnC delta ("#-" with the EnC-deltas flag) widens every index to 4 bytes.
  layout_ = internal::ComputeLayout(sizing_rows, heaps, uncompressed && (heap_sizes & 0x20));
  uint64_t offset = r.offset();
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

absl::StatusOr<absl::string_view> MethodDefName(const MetadataReader& reader, uint32_t token) {
  if ((token >> 24) != static_cast<uint32_t>(Table::kMethodDef)) {
    return Invalid(absl::StrFormat("0x%08x is not a MethodDef token", token));
  }
  absl::StatusOr<uint32_t> name = reader.Cell(Table::kMethodDef, token & kMaxRows, 3);
  if (!name.ok()) return name.status();
  return reader.String(*name);
}

}  // namespace ddcrash::metadata
