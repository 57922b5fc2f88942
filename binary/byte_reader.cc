#include "binary/byte_reader.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ddcrash::binary {

absl::string_view ByteReader::Bytes(size_t n) {
  if (!ok_ || n > data_.size() - offset_) {
    ok_ = false;
    return absl::string_view();
  }
  absl::string_view out = data_.substr(offset_, n);
  offset_ += n;
  return out;
}

void ByteReader::Seek(size_t offset) {
  if (offset > data_.size()) {
    ok_ = false;
    return;
  }
  offset_ = offset;
}

uint64_t ByteReader::Little(size_t n) {
  absl::string_view bytes = Bytes(n);
  uint64_t value = 0;
  for (size_t i = bytes.size(); i > 0; --i) {
    value = (value << 8) | static_cast<uint8_t>(bytes[i - 1]);
  }
  return value;
}

absl::StatusOr<absl::string_view> Slice(absl::string_view data, uint64_t offset, uint64_t size,
                                        absl::string_view what) {
  if (offset > data.size() || size > data.size() - offset) {
    return absl::InvalidArgumentError(absl::StrCat(what, " [", offset, ", +", size,
                                                   ") lies outside the ", data.size(),
                                                   " bytes available"));
  }
  return data.substr(offset, size);
}

}  // namespace ddcrash::binary
