// A bounded reader of the manifest a .NET single-file app carries: the executable is the host
// (an ELF file) with the app's files appended, and the host holds a placeholder the bundler
// filled in: the manifest's file offset (int64) just before a fixed 32-byte signature. The
// manifest (bundle format versions 1, 2 and 6) lists each bundled file: where its bytes lie in
// the executable, its type and the path relative to the app's directory. The executable is
// the target user's file: every count, length, offset and size is checked against the bounds
// below and the file's size; a malformed manifest gives InvalidArgument, never a read outside.
#ifndef DDCRASH_BUNDLE_BUNDLE_MANIFEST_H_
#define DDCRASH_BUNDLE_BUNDLE_MANIFEST_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ddcrash::bundle {

// The bundler's file types (Microsoft.NET.HostModel.Bundle.FileType).
enum FileType : uint8_t {
  kUnknown = 0,
  kAssembly = 1,  // IL or ReadyToRun
  kNativeBinary = 2,
  kDepsJson = 3,
  kRuntimeConfigJson = 4,
  kSymbols = 5,  // a PDB
};

struct BundledFile {
  uint64_t offset = 0;  // in the executable
  uint64_t size = 0;    // bytes as the app uses them
  // Bytes stored in the executable when deflate-compressed (format 6+), else 0. A compressed
  // file is inflated by the host into memory; its stored bytes are not the file.
  uint64_t compressed_size = 0;
  uint8_t type = kUnknown;     // FileType; other values are kept as read
  std::string relative_path;   // as the bundler wrote it ("System.Private.CoreLib.dll")

  bool compressed() const { return compressed_size != 0; }
  // The range of the executable that holds this file's bytes.
  uint64_t stored_size() const { return compressed() ? compressed_size : size; }
};

struct BundleManifest {
  uint32_t major_version = 0;
  uint32_t minor_version = 0;
  std::string bundle_id;
  uint64_t flags = 0;  // format 2+
  std::vector<BundledFile> files;  // in manifest order
};

// Bounds on untrusted counts and lengths (the .NET 10 host bundles ~175 files, paths are short).
inline constexpr int32_t kMaxFiles = 1 << 16;
inline constexpr size_t kMaxPathLength = 4096;
inline constexpr size_t kMaxBundleIdLength = 1024;
// The manifest is read in one piece of at most this many bytes.
inline constexpr size_t kMaxManifestSize = size_t{16} << 20;
inline constexpr size_t kSignatureSize = 32;
inline constexpr size_t kHeaderOffsetSize = 8;  // the int64 before the signature

// The manifest's offset recorded in the placeholder found in `host_bytes` (any part of the
// host, e.g. its writable segment; the placeholder is a static variable of the host).
// NotFound when there is no signature, or the offset is 0 (a host that bundles nothing).
absl::StatusOr<uint64_t> FindManifestOffset(absl::string_view host_bytes);

// Reads `size` bytes at `offset` of the executable (fewer only at its end).
using ReadAt = absl::FunctionRef<absl::StatusOr<std::string>(uint64_t offset, size_t size)>;

// The manifest at `manifest_offset` of an executable of `file_size` bytes.
absl::StatusOr<BundleManifest> ReadManifest(ReadAt read, uint64_t file_size,
                                            uint64_t manifest_offset);

// The path the host gives the runtime for `file` of the single-file app `executable`: the
// executable's directory joined with the relative path (the app's assemblies are named as if
// they lay beside it). InvalidArgument for a relative path that is absolute, empty, has an
// empty, "." or ".." component, or a backslash: such a name could point anywhere.
absl::StatusOr<std::string> RuntimePath(absl::string_view executable, const BundledFile& file);

// The manifest of the executable whose bytes are `file` (fuzzing, tests): the placeholder
// searched for anywhere in it.
absl::StatusOr<BundleManifest> ParseBundle(absl::string_view file);

}  // namespace ddcrash::bundle

#endif  // DDCRASH_BUNDLE_BUNDLE_MANIFEST_H_
