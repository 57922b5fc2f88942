// Bounds-checked little-endian reading of untrusted bytes (ELF files, target memory): the one
// cursor every parser in elf/ reads through.
// Every accessor returns false / nullopt instead of reading past the end.
#ifndef DDCRASH_ELF_BYTE_READER_H_
#define DDCRASH_ELF_BYTE_READER_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>
#include <type_traits>

#include "absl/types/span.h"

namespace ddcrash::elf_internal {

// A cursor over a span of bytes. Reads never go past the end; a failed read leaves the
// cursor where it was.
class ByteReader {
 public:
  explicit ByteReader(absl::Span<const uint8_t> data) : data_(data) {}
  ByteReader(const void* data, size_t size)
      : data_(static_cast<const uint8_t*>(data), size) {}

  size_t offset() const { return offset_; }
  size_t size() const { return data_.size(); }
  size_t remaining() const { return data_.size() - offset_; }

  bool Seek(size_t offset) {
    if (offset > data_.size()) return false;
    offset_ = offset;
    return true;
  }
  bool Skip(size_t n) {
    if (n > remaining()) return false;
    offset_ += n;
    return true;
  }

  template <typename T>
  std::optional<T> Read() {
    static_assert(std::is_trivially_copyable_v<T>);
    if (sizeof(T) > remaining()) return std::nullopt;
    T value;
    std::memcpy(&value, data_.data() + offset_, sizeof(T));
    offset_ += sizeof(T);
    return value;
  }

  std::optional<uint64_t> ReadUleb128() {
    uint64_t result = 0;
    unsigned shift = 0;
    size_t pos = offset_;
    while (pos < data_.size()) {
      uint8_t byte = data_[pos++];
      if (shift < 64) result |= static_cast<uint64_t>(byte & 0x7f) << shift;
      shift += 7;
      if ((byte & 0x80) == 0) {
        offset_ = pos;
        return result;
      }
      if (shift > 70) return std::nullopt;  // absurdly long encoding
    }
    return std::nullopt;
  }

  std::optional<int64_t> ReadSleb128() {
    uint64_t result = 0;
    unsigned shift = 0;
    size_t pos = offset_;
    while (pos < data_.size()) {
      uint8_t byte = data_[pos++];
      if (shift < 64) result |= static_cast<uint64_t>(byte & 0x7f) << shift;
      shift += 7;
      if ((byte & 0x80) == 0) {
        if (shift < 64 && (byte & 0x40)) result |= ~uint64_t{0} << shift;
        offset_ = pos;
        return static_cast<int64_t>(result);
      }
      if (shift > 70) return std::nullopt;
    }
    return std::nullopt;
  }

 private:
  absl::Span<const uint8_t> data_;
  size_t offset_ = 0;
};

// True when [offset, offset + size) lies within [0, limit), without overflow.
inline bool RangeWithin(uint64_t offset, uint64_t size, uint64_t limit) {
  return offset <= limit && size <= limit - offset;
}

// A NUL-terminated string starting at `offset` in `table`, or nullopt when it runs off the end.
inline std::optional<std::string_view> StringAt(std::string_view table, uint64_t offset) {
  if (offset >= table.size()) return std::nullopt;
  size_t end = table.find('\0', offset);
  if (end == std::string_view::npos) return std::nullopt;
  return table.substr(offset, end - offset);
}

}  // namespace ddcrash::elf_internal

#endif  // DDCRASH_ELF_BYTE_READER_H_
