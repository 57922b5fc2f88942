// A bounded reader of PE/COFF images as stored on disk (a .NET assembly): DOS and PE headers,
// the optional header (PE32 and PE32+), the section table, RVA to file-offset mapping, data
// directories, the debug directory (CodeView, embedded portable PDB, PDB checksum entries) and
// the CLI header's metadata. An image from a file is read on demand with pread: the headers and
// section table when opened, then only the ranges asked for (a debug record, the metadata, an
// embedded PDB), never the whole file. Every offset, size and count is checked against the
// image's size; a malformed image gives InvalidArgument, never a read outside it.
#ifndef DDCRASH_PE_PE_IMAGE_H_
#define DDCRASH_PE_PE_IMAGE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "binary/file.h"

namespace ddcrash::pe {

struct Section {
  std::string name;  // up to 8 bytes, NULs trimmed
  uint32_t virtual_address = 0;
  uint32_t virtual_size = 0;
  uint32_t raw_offset = 0;
  uint32_t raw_size = 0;
};

struct DataDirectory {
  uint32_t rva = 0;
  uint32_t size = 0;
};

enum DataDirectoryIndex : int {
  kDebugDirectory = 6,
  kCliHeader = 14,
};

// IMAGE_DEBUG_DIRECTORY types we read.
enum DebugType : uint32_t {
  kCodeView = 2,
  kEmbeddedPortablePdb = 17,
  kPdbChecksum = 19,
};

struct DebugEntry {
  uint32_t stamp = 0;
  uint16_t major_version = 0;
  uint16_t minor_version = 0;
  uint32_t type = 0;
  uint32_t size = 0;
  uint32_t rva = 0;
  uint32_t file_offset = 0;
};

// An RSDS CodeView record.
struct CodeView {
  std::array<uint8_t, 16> guid{};
  uint32_t age = 0;
  std::string path;    // as the compiler wrote it (the build machine's path)
  uint32_t stamp = 0;  // the debug entry's time stamp
  // Minor version 0x504D ("PM"): the PDB is portable and its id is guid + stamp.
  bool portable = false;
  // The 20-byte portable PDB id this record expects: guid then stamp, little-endian.
  std::array<uint8_t, 20> PdbId() const;
};

struct PdbChecksum {
  std::string algorithm;  // e.g. "SHA256"
  std::string checksum;   // raw bytes
};

// Bytes of the image, as offsets from its start.
struct ImageRange {
  uint64_t offset = 0;
  uint32_t size = 0;
};

class PeImage {
 public:
  // Assemblies larger than this are refused (the largest framework assemblies are ~30 MB).
  static constexpr size_t kMaxImageSize = size_t{512} << 20;
  // An embedded PDB may not declare more than this when inflated.
  static constexpr uint32_t kMaxEmbeddedPdbSize = uint32_t{256} << 20;

  // A CodeView or PDB checksum record larger than this is refused (real ones are < 1 KiB).
  static constexpr uint32_t kMaxDebugRecordSize = uint32_t{64} << 10;

  // An image held in memory (tests, fuzzers).
  static absl::StatusOr<PeImage> FromBytes(std::string bytes);
  // The image that is the whole regular file `path`.
  static absl::StatusOr<PeImage> FromFile(const std::string& path);
  // The image stored in a range of a regular file (an assembly inside a single-file bundle);
  // the range must lie in the file.
  static absl::StatusOr<PeImage> FromFile(const binary::FileRange& range);

  bool pe32_plus() const { return pe32_plus_; }
  uint16_t machine() const { return machine_; }
  uint64_t size() const { return size_; }
  const std::vector<Section>& sections() const { return sections_; }
  // Zero when the image has fewer directories.
  DataDirectory directory(int index) const;

  // `size` bytes at image offset `offset`, read now: InvalidArgument past the image's end,
  // DataLoss when the file shrank since it was opened.
  absl::StatusOr<std::string> Read(uint64_t offset, uint64_t size) const;

  // The file offset of [rva, rva + size), which must lie in one section's raw data.
  absl::StatusOr<uint32_t> RvaToOffset(uint32_t rva, uint32_t size) const;
  absl::StatusOr<std::string> ReadRva(uint32_t rva, uint32_t size) const;

  // The debug directory's entries (none when the image has no debug directory).
  absl::StatusOr<std::vector<DebugEntry>> DebugDirectory() const;
  // Where the entry's data lies: at its file offset, else at its RVA.
  absl::StatusOr<ImageRange> DebugDataRange(const DebugEntry& entry) const;
  absl::StatusOr<CodeView> ReadCodeView(const DebugEntry& entry) const;
  // The portable PDB of an embedded-PDB entry ("MPDB", size, deflate data), inflated;
  // exactly the declared size, at most kMaxEmbeddedPdbSize. The compressed data is read a
  // chunk at a time, never held whole.
  absl::StatusOr<std::string> InflateEmbeddedPdb(const DebugEntry& entry) const;
  absl::StatusOr<PdbChecksum> ReadPdbChecksum(const DebugEntry& entry) const;

  // Where the ECMA-335 metadata the CLI header points at lies; NotFound for a native image.
  absl::StatusOr<ImageRange> MetadataRange() const;
  // That metadata, read.
  absl::StatusOr<std::string> Metadata() const;

 private:
  PeImage() = default;
  // The image at [offset, offset + size) of `file`, a range within it.
  static absl::StatusOr<PeImage> FromOpenFile(binary::ReadOnlyFile file, uint64_t offset,
                                              uint64_t size);
  absl::Status ParseHeaders();
  // Up to `size` bytes at `offset`: fewer where the image ends (none past it).
  absl::StatusOr<std::string> ReadUpTo(uint64_t offset, uint64_t size) const;
  // A small debug record's data (CodeView, PDB checksum), at most kMaxDebugRecordSize.
  absl::StatusOr<std::string> DebugRecord(const DebugEntry& entry) const;

  // Exactly one of the two holds the image: bytes_ (FromBytes) or file_ from base_ on.
  std::string bytes_;
  std::optional<binary::ReadOnlyFile> file_;
  uint64_t base_ = 0;
  uint64_t size_ = 0;
  bool pe32_plus_ = false;
  uint16_t machine_ = 0;
  std::vector<Section> sections_;
  std::vector<DataDirectory> directories_;
};

}  // namespace ddcrash::pe

#endif  // DDCRASH_PE_PE_IMAGE_H_
