// A bounded little-endian cursor over untrusted bytes, shared by the PE, metadata and PDB
// readers. A read past the end returns zero and latches an error (ok() turns false), so a
// parser reads a whole header and checks once; nothing ever reads outside the view.
#ifndef DDCRASH_BINARY_BYTE_READER_H_
#define DDCRASH_BINARY_BYTE_READER_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ddcrash::binary {

class ByteReader {
 public:
  explicit ByteReader(absl::string_view data) : data_(data) {}

  bool ok() const { return ok_; }
  size_t offset() const { return offset_; }
  size_t remaining() const { return ok_ ? data_.size() - offset_ : 0; }

  uint8_t U8() { return static_cast<uint8_t>(Little(1)); }
  uint16_t U16() { return static_cast<uint16_t>(Little(2)); }
  uint32_t U32() { return static_cast<uint32_t>(Little(4)); }
  uint64_t U64() { return Little(8); }
  // The next `n` bytes (empty, and the error latched, when fewer remain).
  absl::string_view Bytes(size_t n);
  void Skip(size_t n) { Bytes(n); }
  // Moves to `offset` from the start; past the end latches the error.
  void Seek(size_t offset);

 private:
  uint64_t Little(size_t n);

  absl::string_view data_;
  size_t offset_ = 0;
  bool ok_ = true;
};

// data[offset, offset + size), or InvalidArgument naming `what` when it does not fit.
absl::StatusOr<absl::string_view> Slice(absl::string_view data, uint64_t offset, uint64_t size,
                                        absl::string_view what);

}  // namespace ddcrash::binary

#endif  // DDCRASH_BINARY_BYTE_READER_H_
