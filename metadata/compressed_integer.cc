#include "metadata/compressed_integer.h"

#include "absl/status/status.h"

namespace ddcrash::metadata {
namespace {

// The raw value and its width in bytes.
absl::StatusOr<std::pair<uint32_t, int>> ReadRaw(binary::ByteReader& reader) {
  uint8_t first = reader.U8();
  if (!reader.ok()) return absl::InvalidArgumentError("compressed integer: no bytes left");
  if ((first & 0x80) == 0) return std::make_pair(uint32_t{first}, 1);
  if ((first & 0xc0) == 0x80) {
    uint8_t second = reader.U8();
    if (!reader.ok()) return absl::InvalidArgumentError("compressed integer: truncated (2 bytes)");
    return std::make_pair((uint32_t{first & 0x3fu} << 8) | second, 2);
  }
  if ((first & 0xe0) == 0xc0) {
    absl::string_view rest = reader.Bytes(3);
    if (!reader.ok()) return absl::InvalidArgumentError("compressed integer: truncated (4 bytes)");
    uint32_t value = first & 0x1fu;
    for (char c : rest) value = (value << 8) | static_cast<uint8_t>(c);
    return std::make_pair(value, 4);
  }
  return absl::InvalidArgumentError("compressed integer: invalid lead byte");
}

}  // namespace

absl::StatusOr<uint32_t> ReadCompressedUnsigned(binary::ByteReader& reader) {
  absl::StatusOr<std::pair<uint32_t, int>> raw = ReadRaw(reader);
  if (!raw.ok()) return raw.status();
  return raw->first;
}

absl::StatusOr<int32_t> ReadCompressedSigned(binary::ByteReader& reader) {
  absl::StatusOr<std::pair<uint32_t, int>> raw = ReadRaw(reader);
  if (!raw.ok()) return raw.status();
  auto [value, width] = *raw;
  // Bits of the value field: 7, 14 or 29; a set bit 0 means negative.
  const int bits = width == 1 ? 7 : width == 2 ? 14 : 29;
  const int32_t magnitude = static_cast<int32_t>(value >> 1);
  if ((value & 1) == 0) return magnitude;
  return magnitude - (int32_t{1} << (bits - 1));
}

}  // namespace ddcrash::metadata
