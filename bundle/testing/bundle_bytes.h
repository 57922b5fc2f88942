// Test helper: the bytes of a single-file executable, built by hand: a "host" holding the
// placeholder (manifest offset and signature), the bundled files' bytes, then the manifest.
// Setters make it wrong on purpose.
#ifndef DDCRASH_BUNDLE_TESTING_BUNDLE_BYTES_H_
#define DDCRASH_BUNDLE_TESTING_BUNDLE_BYTES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ddcrash::bundle::testing {

class BundleBytes {
 public:
  // `host` stands for the ELF host: the placeholder is appended to it.
  explicit BundleBytes(uint32_t major_version, std::string host = std::string(64, '\0'))
      : major_(major_version), host_(std::move(host)) {}

  // A file of `size` bytes (`contents` repeated or cut to size; "A" when empty), placed at the
  // next multiple of `alignment` after the previous one.
  void AddFile(uint8_t type, std::string path, uint64_t size, uint64_t compressed_size = 0,
               std::string contents = "", uint64_t alignment = 16);

  void set_manifest_offset(uint64_t offset) { manifest_offset_ = offset; }
  void set_count(int32_t count) { count_ = count; }
  void set_file_offset(size_t i, uint64_t offset) { files_[i].declared_offset = offset; }
  void set_file_size(size_t i, uint64_t size) { files_[i].declared_size = size; }

  // Where file `i` lies in Build()'s bytes.
  uint64_t offset_of(size_t i) const { return files_[i].offset; }
  // The offset of the placeholder's signature in Build()'s bytes.
  uint64_t signature_offset() const { return host_.size() + 8; }

  std::string Build() const;

 private:
  struct File {
    uint8_t type;
    std::string path;
    uint64_t offset, size, compressed_size;
    std::string bytes;
    std::optional<uint64_t> declared_offset, declared_size;
  };
  uint32_t major_;
  std::string host_;
  std::vector<File> files_;
  std::optional<uint64_t> manifest_offset_;
  std::optional<int32_t> count_;
};

}  // namespace ddcrash::bundle::testing

#endif  // DDCRASH_BUNDLE_TESTING_BUNDLE_BYTES_H_
