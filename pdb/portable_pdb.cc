#include "pdb/portable_pdb.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "binary/byte_reader.h"
#include "binary/file.h"
#include "metadata/compressed_integer.h"

namespace ddcrash::pdb {
namespace {

using metadata::Table;

constexpr uint32_t kMethodDefTable = 0x06;

absl::Status Invalid(absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat("portable PDB: ", message));
}

absl::Status Annotate(const absl::Status& status, absl::string_view context) {
  return absl::Status(status.code(), absl::StrCat(context, ": ", status.message()));
}

}  // namespace

std::string FormatPdbId(const PdbId& id) {
  metadata::Guid guid;
  std::copy(id.begin(), id.begin() + 16, guid.begin());
  uint32_t stamp = uint32_t{id[16]} | uint32_t{id[17]} << 8 | uint32_t{id[18]} << 16 |
                   uint32_t{id[19]} << 24;
  return absl::StrFormat("%s-%08x", metadata::FormatGuid(guid), stamp);
}

absl::StatusOr<PortablePdb> PortablePdb::FromBytes(std::string bytes) {
  if (bytes.size() > kMaxPdbSize) return Invalid("larger than the size limit");
  auto owned = std::make_unique<const std::string>(std::move(bytes));
  absl::StatusOr<metadata::MetadataReader> reader = metadata::MetadataReader::Parse(*owned);
  if (!reader.ok()) return Annotate(reader.status(), "portable PDB");
  if (!reader->pdb_stream().has_value()) return Invalid("no #Pdb stream (not a standalone PDB)");
  return PortablePdb(std::move(owned), *std::move(reader));
}

absl::StatusOr<PortablePdb> PortablePdb::FromFile(const std::string& path) {
  absl::StatusOr<std::string> bytes = binary::ReadFileBounded(path, kMaxPdbSize);
  if (!bytes.ok()) return bytes.status();
  absl::StatusOr<PortablePdb> pdb = FromBytes(*std::move(bytes));
  if (!pdb.ok()) return Annotate(pdb.status(), path);
  return pdb;
}

absl::StatusOr<std::string> PortablePdb::DocumentName(uint32_t row) const {
  absl::StatusOr<uint32_t> name_index = reader_.Cell(Table::kDocument, row, 0);
  if (!name_index.ok()) return name_index.status();
  absl::StatusOr<absl::string_view> blob = reader_.Blob(*name_index);
  if (!blob.ok()) return blob.status();
  binary::ByteReader r(*blob);
  const uint8_t separator = r.U8();
  if (!r.ok()) return Invalid(absl::StrCat("document ", row, ": empty name blob"));
  // The specification allows any UTF-8 character; every compiler writes '/', '\\' or none,
  // and a multi-byte separator would be ambiguous with its single lead byte read here.
  if (separator >= 0x80) return Invalid(absl::StrCat("document ", row, ": non-ASCII separator"));
  std::string name;
  bool first = true;
  while (r.remaining() > 0) {
    absl::StatusOr<uint32_t> part_index = metadata::ReadCompressedUnsigned(r);
    if (!part_index.ok()) return Invalid(absl::StrCat("document ", row, ": bad name part"));
    absl::StatusOr<absl::string_view> part = reader_.Blob(*part_index);
    if (!part.ok()) return part.status();
    const size_t separator_size = (!first && separator != 0) ? 1 : 0;
    if (name.size() + separator_size + part->size() > kMaxDocumentName) {
      return Invalid(absl::StrCat("document ", row, ": name longer than ", kMaxDocumentName));
    }
    if (separator_size != 0) name.push_back(static_cast<char>(separator));
    first = false;
    name.append(part->data(), part->size());
  }
  if (first) return Invalid(absl::StrCat("document ", row, ": name without parts"));
  return name;
}

absl::StatusOr<std::vector<SequencePoint>> PortablePdb::SequencePoints(
    uint32_t method_token) const {
  if ((method_token >> 24) != kMethodDefTable) {
    return absl::InvalidArgumentError(
        absl::StrFormat("0x%08x is not a MethodDef token", method_token));
  }
  const uint32_t row = method_token & 0x00ffffff;
  if (row == 0 || row > method_count()) {
    return absl::NotFoundError(absl::StrFormat(
        "method 0x%08x: the PDB has debug information for %u methods", method_token,
        method_count()));
  }
  absl::StatusOr<uint32_t> document = reader_.Cell(Table::kMethodDebugInformation, row, 0);
  absl::StatusOr<uint32_t> blob_index = reader_.Cell(Table::kMethodDebugInformation, row, 1);
  if (!document.ok()) return document.status();
  if (!blob_index.ok()) return blob_index.status();
  if (*blob_index == 0) return std::vector<SequencePoint>();
  absl::StatusOr<absl::string_view> blob = reader_.Blob(*blob_index);
  if (!blob.ok()) return blob.status();
  absl::StatusOr<std::vector<SequencePoint>> points =
      DecodeSequencePoints(*blob, *document, document_count());
  if (!points.ok()) return Annotate(points.status(), absl::StrFormat("method 0x%08x", method_token));
  return points;
}

absl::StatusOr<std::optional<SourceLocation>> PortablePdb::Lookup(uint32_t method_token,
                                                                  uint32_t il_offset) const {
  absl::StatusOr<std::vector<SequencePoint>> points = SequencePoints(method_token);
  if (!points.ok()) return points.status();
  const SequencePoint* best = nullptr;
  for (const SequencePoint& p : *points) {
    if (p.il_offset > il_offset) break;
    if (!p.hidden()) best = &p;
  }
  if (best == nullptr) return std::optional<SourceLocation>();
  absl::StatusOr<std::string> file = DocumentName(best->document);
  if (!file.ok()) return file.status();
  return std::optional<SourceLocation>(SourceLocation{*std::move(file), best->start_line,
                                                      best->start_column});
}

}  // namespace ddcrash::pdb
