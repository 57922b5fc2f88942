#include "bundle/bundle_manifest.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "binary/byte_reader.h"

namespace ddcrash::bundle {
namespace {

// SHA-256 of ".net core bundle\n", the bytes the bundler looks for in the host.
constexpr unsigned char kSignature[kSignatureSize] = {
    0x8b, 0x12, 0x02, 0xb9, 0x6a, 0x61, 0x20, 0x38, 0x72, 0x7b, 0x93, 0x02, 0x14, 0xd7, 0xa0, 0x32,
    0x13, 0xf5, 0xb9, 0xe6, 0xef, 0xae, 0x33, 0x18, 0xee, 0x3b, 0x2d, 0xce, 0x24, 0xb3, 0x6a, 0xae,
};

// The newest format this reader knows (the .NET 6+ bundler writes 6).
constexpr uint32_t kMaxMajorVersion = 6;

absl::Status Bad(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("bundle manifest: ", what));
}

// A string as .NET's BinaryWriter writes it: its length in 7-bit groups, then the UTF-8 bytes.
absl::StatusOr<std::string> ReadString(binary::ByteReader& r, size_t max_length,
                                       absl::string_view what) {
  uint64_t length = 0;
  for (int shift = 0;; shift += 7) {
    if (shift > 28) return Bad(absl::StrCat(what, ": bad length prefix"));
    const uint8_t b = r.U8();
    if (!r.ok()) return Bad(absl::StrCat(what, ": truncated"));
    length |= uint64_t{b & 0x7fu} << shift;
    if ((b & 0x80) == 0) break;
  }
  if (length > max_length) return Bad(absl::StrCat(what, " longer than ", max_length, " bytes"));
  absl::string_view bytes = r.Bytes(static_cast<size_t>(length));
  if (!r.ok()) return Bad(absl::StrCat(what, ": truncated"));
  return std::string(bytes);
}

// [offset, offset + size) lies in a file of `file_size` bytes (the values are int64 on disk).
bool Within(uint64_t offset, uint64_t size, uint64_t file_size) {
  return offset <= file_size && size <= file_size - offset;
}

}  // namespace

absl::StatusOr<uint64_t> FindManifestOffset(absl::string_view host_bytes) {
  const absl::string_view signature(reinterpret_cast<const char*>(kSignature), kSignatureSize);
  size_t at = host_bytes.find(signature);
  while (at != absl::string_view::npos && at < kHeaderOffsetSize) {
    at = host_bytes.find(signature, at + 1);
  }
  if (at == absl::string_view::npos) return absl::NotFoundError("no bundle signature");
  binary::ByteReader r(host_bytes.substr(at - kHeaderOffsetSize, kHeaderOffsetSize));
  const uint64_t offset = r.U64();
  if (offset == 0) return absl::NotFoundError("the host bundles nothing (manifest offset 0)");
  if (offset > static_cast<uint64_t>(INT64_MAX)) return Bad("negative manifest offset");
  return offset;
}

absl::StatusOr<BundleManifest> ReadManifest(ReadAt read, uint64_t file_size,
                                            uint64_t manifest_offset) {
  if (manifest_offset >= file_size) return Bad("manifest offset past the end of the file");
  const size_t want =
      static_cast<size_t>(std::min<uint64_t>(file_size - manifest_offset, kMaxManifestSize));
  absl::StatusOr<std::string> bytes = read(manifest_offset, want);
  if (!bytes.ok()) return bytes.status();
  binary::ByteReader r(*bytes);

  BundleManifest m;
  m.major_version = r.U32();
  m.minor_version = r.U32();
  const int32_t count = static_cast<int32_t>(r.U32());
  if (!r.ok()) return Bad("truncated header");
  if (m.major_version == 0 || m.major_version > kMaxMajorVersion) {
    return Bad(absl::StrCat("unknown format version ", m.major_version, ".", m.minor_version));
  }
  if (count <= 0 || count > kMaxFiles) {
    return Bad(absl::StrCat("file count ", count, " outside 1..", kMaxFiles));
  }
  absl::StatusOr<std::string> id = ReadString(r, kMaxBundleIdLength, "bundle id");
  if (!id.ok()) return id.status();
  m.bundle_id = *std::move(id);
  if (m.major_version >= 2) {
    // Where deps.json and runtimeconfig.json lie (each also a file entry), then flags.
    for (const char* what : {"deps.json", "runtimeconfig.json"}) {
      const uint64_t offset = r.U64();
      const uint64_t size = r.U64();
      if (r.ok() && !Within(offset, size, file_size)) {
        return Bad(absl::StrCat(what, " location outside the file"));
      }
    }
    m.flags = r.U64();
    if (!r.ok()) return Bad("truncated header");
  }

  m.files.reserve(static_cast<size_t>(count));
  for (int32_t i = 0; i < count; ++i) {
    BundledFile f;
    f.offset = r.U64();
    f.size = r.U64();
    if (m.major_version >= 6) f.compressed_size = r.U64();
    f.type = r.U8();
    if (!r.ok()) return Bad(absl::StrCat("file ", i, ": truncated entry"));
    absl::StatusOr<std::string> path = ReadString(r, kMaxPathLength, "file path");
    if (!path.ok()) return path.status();
    f.relative_path = *std::move(path);
    if (f.relative_path.empty()) return Bad(absl::StrCat("file ", i, ": empty path"));
    if (!Within(f.offset, f.stored_size(), file_size)) {
      return Bad(absl::StrCat("file ", i, " (", f.relative_path, ") lies outside the file"));
    }
    m.files.push_back(std::move(f));
  }
  return m;
}

absl::StatusOr<std::string> RuntimePath(absl::string_view executable, const BundledFile& file) {
  const absl::string_view relative = file.relative_path;
  if (relative.empty() || relative.front() == '/' ||
      relative.find('\\') != absl::string_view::npos) {
    return Bad(absl::StrCat("bundled file path \"", relative, "\" is not a plain relative path"));
  }
  for (absl::string_view part : absl::StrSplit(relative, '/')) {
    if (part.empty() || part == "." || part == "..") {
      return Bad(absl::StrCat("bundled file path \"", relative, "\" is not a plain relative path"));
    }
  }
  const size_t slash = executable.find_last_of('/');
  const absl::string_view dir =
      slash == absl::string_view::npos ? absl::string_view(".") : executable.substr(0, slash);
  return absl::StrCat(dir, "/", relative);
}

absl::StatusOr<BundleManifest> ParseBundle(absl::string_view file) {
  absl::StatusOr<uint64_t> offset = FindManifestOffset(file);
  if (!offset.ok()) return offset.status();
  auto read = [&](uint64_t at, size_t size) -> absl::StatusOr<std::string> {
    return std::string(file.substr(static_cast<size_t>(at), size));
  };
  return ReadManifest(read, file.size(), *offset);
}

}  // namespace ddcrash::bundle
