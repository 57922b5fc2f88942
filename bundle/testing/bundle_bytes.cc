#include "bundle/testing/bundle_bytes.h"

#include <utility>

namespace ddcrash::bundle::testing {
namespace {

constexpr unsigned char kSignature[32] = {
    0x8b, 0x12, 0x02, 0xb9, 0x6a, 0x61, 0x20, 0x38, 0x72, 0x7b, 0x93, 0x02, 0x14, 0xd7, 0xa0, 0x32,
    0x13, 0xf5, 0xb9, 0xe6, 0xef, 0xae, 0x33, 0x18, 0xee, 0x3b, 0x2d, 0xce, 0x24, 0xb3, 0x6a, 0xae,
};
constexpr size_t kPlaceholderSize = 8 + sizeof(kSignature);

void Put(std::string& out, uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>(value >> (8 * i)));
}

void PutString(std::string& out, const std::string& s) {
  uint64_t n = s.size();
  do {
    uint8_t b = n & 0x7f;
    n >>= 7;
    out.push_back(static_cast<char>(n != 0 ? b | 0x80 : b));
  } while (n != 0);
  out += s;
}

}  // namespace

void BundleBytes::AddFile(uint8_t type, std::string path, uint64_t size, uint64_t compressed_size,
                          std::string contents, uint64_t alignment) {
  uint64_t end = host_.size() + kPlaceholderSize;
  if (!files_.empty()) end = files_.back().offset + files_.back().bytes.size();
  const uint64_t offset = (end + alignment - 1) / alignment * alignment;
  if (contents.empty()) contents = "A";
  std::string bytes;
  const uint64_t stored = compressed_size != 0 ? compressed_size : size;
  while (bytes.size() < stored) bytes += contents;
  bytes.resize(stored);
  files_.push_back({type, std::move(path), offset, size, compressed_size, std::move(bytes), {}, {}});
}

std::string BundleBytes::Build() const {
  std::string out = host_;
  const size_t placeholder = out.size();
  out.append(kPlaceholderSize, '\0');
  for (const File& f : files_) {
    out.resize(f.offset, '\0');
    out += f.bytes;
  }
  const uint64_t manifest = out.size();
  Put(out, major_, 4);
  Put(out, 0, 4);
  Put(out, static_cast<uint32_t>(count_.value_or(static_cast<int32_t>(files_.size()))), 4);
  PutString(out, "bundle-id");
  if (major_ >= 2) {
    for (int i = 0; i < 5; ++i) Put(out, 0, 8);  // deps.json, runtimeconfig.json, flags
  }
  for (const File& f : files_) {
    Put(out, f.declared_offset.value_or(f.offset), 8);
    Put(out, f.declared_size.value_or(f.size), 8);
    if (major_ >= 6) Put(out, f.compressed_size, 8);
    out.push_back(static_cast<char>(f.type));
    PutString(out, f.path);
  }
  std::string head;
  Put(head, manifest_offset_.value_or(manifest), 8);
  head.append(reinterpret_cast<const char*>(kSignature), sizeof(kSignature));
  out.replace(placeholder, kPlaceholderSize, head);
  return out;
}

}  // namespace ddcrash::bundle::testing
