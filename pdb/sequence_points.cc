#include "pdb/sequence_points.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "binary/byte_reader.h"
#include "metadata/compressed_integer.h"

namespace ddcrash::pdb {
namespace {

constexpr int64_t kMaxIlOffset = 0x20000000;  // exclusive, also the line limit
constexpr int64_t kMaxColumn = 0x10000;       // exclusive

absl::Status Invalid(absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat("sequence points: ", message));
}

}  // namespace

absl::StatusOr<std::vector<SequencePoint>> DecodeSequencePoints(absl::string_view blob,
                                                                uint32_t document,
                                                                uint32_t document_count) {
  using metadata::ReadCompressedSigned;
  using metadata::ReadCompressedUnsigned;
  binary::ByteReader r(blob);
  if (!ReadCompressedUnsigned(r).ok()) return Invalid("no local signature");
  if (document == 0) {
    absl::StatusOr<uint32_t> initial = ReadCompressedUnsigned(r);
    if (!initial.ok()) return Invalid("no initial document");
    document = *initial;
  }
  std::vector<SequencePoint> points;
  bool have_non_hidden = false;
  int64_t previous_line = 0, previous_column = 0;
#define DDCRASH_READ(var, fn, what)                                   \
  auto var##_or = fn(r);                                               \
  if (!var##_or.ok()) return Invalid(absl::StrCat("truncated ", what)); \
  const int64_t var = *var##_or
  while (r.remaining() > 0) {
    DDCRASH_READ(delta_il, ReadCompressedUnsigned, "IL offset");
    if (!points.empty() && delta_il == 0) {
      DDCRASH_READ(next_document, ReadCompressedUnsigned, "document record");
      document = static_cast<uint32_t>(next_document);
      continue;
    }
    if (document == 0 || document > document_count) {
      return Invalid(absl::StrCat("document row ", document, " of ", document_count));
    }
    SequencePoint p;
    int64_t il = points.empty() ? delta_il : points.back().il_offset + delta_il;
    if (il >= kMaxIlOffset) return Invalid("IL offset out of range");
    p.il_offset = static_cast<uint32_t>(il);
    p.document = document;
    DDCRASH_READ(delta_lines, ReadCompressedUnsigned, "line delta");
    int64_t delta_columns = 0;
    if (delta_lines == 0) {
      DDCRASH_READ(unsigned_columns, ReadCompressedUnsigned, "column delta");
      delta_columns = unsigned_columns;
    } else {
      DDCRASH_READ(signed_columns, ReadCompressedSigned, "column delta");
      delta_columns = signed_columns;
    }
    if (delta_lines == 0 && delta_columns == 0) {
      p.start_line = p.end_line = kHiddenLine;
      points.push_back(p);
      continue;
    }
    int64_t line, column;
    if (!have_non_hidden) {
      DDCRASH_READ(first_line, ReadCompressedUnsigned, "start line");
      DDCRASH_READ(first_column, ReadCompressedUnsigned, "start column");
      line = first_line;
      column = first_column;
    } else {
      DDCRASH_READ(line_delta, ReadCompressedSigned, "start line");
      DDCRASH_READ(column_delta, ReadCompressedSigned, "start column");
      line = previous_line + line_delta;
      column = previous_column + column_delta;
    }
    const int64_t end_line = line + delta_lines;
    const int64_t end_column = column + delta_columns;
    if (line < 0 || line >= kMaxIlOffset || line == kHiddenLine || end_line >= kMaxIlOffset ||
        end_line == kHiddenLine) {
      return Invalid(absl::StrCat("line ", line, "..", end_line, " out of range"));
    }
    if (column < 0 || column >= kMaxColumn || end_column < 0 || end_column >= kMaxColumn) {
      return Invalid(absl::StrCat("column ", column, "..", end_column, " out of range"));
    }
    have_non_hidden = true;
    previous_line = line;
    previous_column = column;
    p.start_line = static_cast<uint32_t>(line);
    p.start_column = static_cast<uint32_t>(column);
    p.end_line = static_cast<uint32_t>(end_line);
    p.end_column = static_cast<uint32_t>(end_column);
    points.push_back(p);
  }
#undef DDCRASH_READ
  if (points.empty()) return Invalid("no sequence point record");
  return points;
}

}  // namespace ddcrash::pdb
