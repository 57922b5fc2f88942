#include "pe/pe_image.h"

#include <zlib.h>

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "binary/byte_reader.h"

namespace ddcrash::pe {
namespace {

using binary::ByteReader;

constexpr uint16_t kDosMagic = 0x5a4d;        // "MZ"
constexpr uint32_t kPeSignature = 0x00004550;  // "PE\0\0"
constexpr uint16_t kPe32Magic = 0x10b;
constexpr uint16_t kPe32PlusMagic = 0x20b;
constexpr uint16_t kMaxSections = 96;  // the Windows loader's limit
constexpr uint32_t kMaxDirectories = 16;
constexpr size_t kDebugEntrySize = 28;
constexpr size_t kMaxDebugEntries = 64;
constexpr uint32_t kRsdsSignature = 0x53445352;  // "RSDS"
constexpr uint32_t kMpdbSignature = 0x4244504d;  // "MPDB"
constexpr uint16_t kPortableCodeViewMinor = 0x504d;
constexpr uint64_t kCoffEnd = 4 + 20;  // the PE signature and the COFF header
// An embedded PDB's compressed data is read and inflated this much at a time.
constexpr uint32_t kInflateChunk = uint32_t{64} << 10;

absl::Status Invalid(absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat("PE image: ", message));
}

}  // namespace

std::array<uint8_t, 20> CodeView::PdbId() const {
  std::array<uint8_t, 20> id{};
  std::copy(guid.begin(), guid.end(), id.begin());
  for (int i = 0; i < 4; ++i) id[16 + i] = static_cast<uint8_t>(stamp >> (8 * i));
  return id;
}

absl::StatusOr<PeImage> PeImage::FromBytes(std::string bytes) {
  if (bytes.size() > kMaxImageSize) return Invalid("larger than the size limit");
  PeImage image;
  image.size_ = bytes.size();
  image.bytes_ = std::move(bytes);
  if (absl::Status s = image.ParseHeaders(); !s.ok()) return s;
  return image;
}

absl::StatusOr<PeImage> PeImage::FromFile(const std::string& path) {
  absl::StatusOr<binary::ReadOnlyFile> file = binary::ReadOnlyFile::Open(path);
  if (!file.ok()) return file.status();
  const uint64_t size = file->size();
  return FromOpenFile(*std::move(file), 0, size);
}

absl::StatusOr<PeImage> PeImage::FromFile(const binary::FileRange& range) {
  absl::StatusOr<binary::ReadOnlyFile> file = binary::ReadOnlyFile::Open(range.path);
  if (!file.ok()) return file.status();
  if (range.offset > file->size() || range.size > file->size() - range.offset) {
    return Invalid(absl::StrCat(range.path, ": image at ", range.offset, "+", range.size,
                                " lies past the end of its ", file->size(), " bytes"));
  }
  return FromOpenFile(*std::move(file), range.offset, range.size);
}

absl::StatusOr<PeImage> PeImage::FromOpenFile(binary::ReadOnlyFile file, uint64_t offset,
                                              uint64_t size) {
  if (size > kMaxImageSize) {
    return absl::ResourceExhaustedError(absl::StrCat(
        file.path(), ": image of ", size, " bytes, more than the limit of ", kMaxImageSize));
  }
  PeImage image;
  image.file_.emplace(std::move(file));
  image.base_ = offset;
  image.size_ = size;
  if (absl::Status s = image.ParseHeaders(); !s.ok()) {
    return absl::Status(s.code(), absl::StrCat(image.file_->path(), ": ", s.message()));
  }
  return image;
}

absl::StatusOr<std::string> PeImage::Read(uint64_t offset, uint64_t size) const {
  if (offset > size_ || size > size_ - offset) {
    return Invalid(absl::StrFormat("range 0x%x+0x%x lies past the end of the image", offset, size));
  }
  if (!file_.has_value()) return bytes_.substr(offset, size);
  return file_->Read(base_ + offset, size);
}

absl::StatusOr<std::string> PeImage::ReadUpTo(uint64_t offset, uint64_t size) const {
  if (offset >= size_) return std::string();
  return Read(offset, std::min(size, size_ - offset));
}

absl::Status PeImage::ParseHeaders() {
  absl::StatusOr<std::string> dos = ReadUpTo(0, 0x40);
  if (!dos.ok()) return dos.status();
  ByteReader r(*dos);
  if (r.U16() != kDosMagic || !r.ok()) return Invalid("no MZ signature");
  r.Seek(0x3c);
  uint32_t pe_offset = r.U32();
  if (!r.ok()) return Invalid("truncated DOS header");
  // The signature and the COFF header; then the optional header and the section table.
  absl::StatusOr<std::string> coff = ReadUpTo(pe_offset, kCoffEnd);
  if (!coff.ok()) return coff.status();
  r = ByteReader(*coff);
  if (r.U32() != kPeSignature || !r.ok()) return Invalid("no PE signature");
  machine_ = r.U16();
  uint16_t section_count = r.U16();
  r.Skip(4 + 4 + 4);  // time stamp, symbol table, symbol count
  uint16_t optional_size = r.U16();
  if (!r.ok()) return Invalid("truncated COFF header");
  if (section_count > kMaxSections) return Invalid(absl::StrCat(section_count, " sections"));
  absl::StatusOr<std::string> rest = ReadUpTo(
      uint64_t{pe_offset} + kCoffEnd, uint64_t{optional_size} + uint64_t{section_count} * 40);
  if (!rest.ok()) return rest.status();
  r = ByteReader(*rest);
  uint16_t magic = r.U16();
  if (!r.ok()) return Invalid("truncated COFF header");
  if (magic != kPe32Magic && magic != kPe32PlusMagic) {
    return Invalid(absl::StrFormat("unknown optional header magic 0x%x", magic));
  }
  pe32_plus_ = magic == kPe32PlusMagic;
  // NumberOfRvaAndSizes sits at 92 (PE32) or 108 (PE32+); the directories follow it.
  const size_t count_offset = pe32_plus_ ? 108 : 92;
  if (optional_size < count_offset + 4) return Invalid("optional header too small");
  r.Seek(count_offset);
  uint32_t directory_count = r.U32();
  uint32_t fits = static_cast<uint32_t>((optional_size - count_offset - 4) / 8);
  directory_count = std::min({directory_count, fits, kMaxDirectories});
  for (uint32_t i = 0; i < directory_count; ++i) {
    DataDirectory d;
    d.rva = r.U32();
    d.size = r.U32();
    directories_.push_back(d);
  }
  if (!r.ok()) return Invalid("truncated optional header");
  r.Seek(optional_size);
  for (uint16_t i = 0; i < section_count; ++i) {
    Section s;
    absl::string_view name = r.Bytes(8);
    s.name = std::string(name.substr(0, name.find('\0')));
    s.virtual_size = r.U32();
    s.virtual_address = r.U32();
    s.raw_size = r.U32();
    s.raw_offset = r.U32();
    r.Skip(16);  // relocations, line numbers, their counts, characteristics
    sections_.push_back(std::move(s));
  }
  if (!r.ok()) return Invalid("truncated section table");
  return absl::OkStatus();
}

DataDirectory PeImage::directory(int index) const {
  if (index < 0 || static_cast<size_t>(index) >= directories_.size()) return DataDirectory();
  return directories_[index];
}

absl::StatusOr<uint32_t> PeImage::RvaToOffset(uint32_t rva, uint32_t size) const {
  for (const Section& s : sections_) {
    if (rva < s.virtual_address) continue;
    uint64_t delta = rva - s.virtual_address;
    // The file holds the section's first min(raw, virtual) bytes: the rest of the raw data
    // is alignment padding, the rest of the virtual size zero fill.
    uint64_t in_file = s.virtual_size != 0 ? std::min(s.raw_size, s.virtual_size) : s.raw_size;
    if (delta >= in_file) continue;
    if (delta + size > in_file) {
      return Invalid(absl::StrFormat("RVA range 0x%x+0x%x crosses the end of section %s", rva,
                                     size, s.name));
    }
    uint64_t offset = uint64_t{s.raw_offset} + delta;
    if (offset + size > size_) {
      return Invalid(absl::StrFormat("RVA range 0x%x+0x%x lies past the end of the file", rva, size));
    }
    return static_cast<uint32_t>(offset);
  }
  return Invalid(absl::StrFormat("RVA 0x%x is in no section", rva));
}

absl::StatusOr<std::string> PeImage::ReadRva(uint32_t rva, uint32_t size) const {
  absl::StatusOr<uint32_t> offset = RvaToOffset(rva, size);
  if (!offset.ok()) return offset.status();
  return Read(*offset, size);
}

absl::StatusOr<std::vector<DebugEntry>> PeImage::DebugDirectory() const {
  std::vector<DebugEntry> entries;
  DataDirectory dir = directory(kDebugDirectory);
  if (dir.rva == 0 && dir.size == 0) return entries;
  if (dir.size % kDebugEntrySize != 0 || dir.size / kDebugEntrySize > kMaxDebugEntries) {
    return Invalid(absl::StrCat("debug directory of ", dir.size, " bytes"));
  }
  absl::StatusOr<std::string> data = ReadRva(dir.rva, dir.size);
  if (!data.ok()) return data.status();
  ByteReader r(*data);
  while (r.remaining() > 0) {
    DebugEntry e;
    r.Skip(4);  // characteristics
    e.stamp = r.U32();
    e.major_version = r.U16();
    e.minor_version = r.U16();
    e.type = r.U32();
    e.size = r.U32();
    e.rva = r.U32();
    e.file_offset = r.U32();
    entries.push_back(e);
  }
  return entries;
}

absl::StatusOr<ImageRange> PeImage::DebugDataRange(const DebugEntry& entry) const {
  if (entry.file_offset != 0) {
    if (entry.file_offset > size_ || entry.size > size_ - entry.file_offset) {
      return Invalid(absl::StrFormat("debug entry data 0x%x+0x%x lies past the end of the image",
                                     entry.file_offset, entry.size));
    }
    return ImageRange{entry.file_offset, entry.size};
  }
  absl::StatusOr<uint32_t> offset = RvaToOffset(entry.rva, entry.size);
  if (!offset.ok()) return offset.status();
  return ImageRange{*offset, entry.size};
}

absl::StatusOr<std::string> PeImage::DebugRecord(const DebugEntry& entry) const {
  if (entry.size > kMaxDebugRecordSize) {
    return Invalid(absl::StrCat("debug record of ", entry.size, " bytes, over the limit"));
  }
  absl::StatusOr<ImageRange> range = DebugDataRange(entry);
  if (!range.ok()) return range.status();
  return Read(range->offset, range->size);
}

absl::StatusOr<CodeView> PeImage::ReadCodeView(const DebugEntry& entry) const {
  if (entry.type != kCodeView) return Invalid("not a CodeView entry");
  absl::StatusOr<std::string> data = DebugRecord(entry);
  if (!data.ok()) return data.status();
  ByteReader r(*data);
  if (r.U32() != kRsdsSignature || !r.ok()) return Invalid("CodeView entry is not RSDS");
  CodeView cv;
  absl::string_view guid = r.Bytes(16);
  std::copy(guid.begin(), guid.end(), cv.guid.begin());
  cv.age = r.U32();
  if (!r.ok()) return Invalid("truncated CodeView entry");
  absl::string_view path = r.Bytes(r.remaining());
  size_t nul = path.find('\0');
  if (nul == absl::string_view::npos) return Invalid("CodeView path without its NUL");
  cv.path = std::string(path.substr(0, nul));
  cv.stamp = entry.stamp;
  cv.portable = entry.minor_version == kPortableCodeViewMinor;
  return cv;
}

absl::StatusOr<std::string> PeImage::InflateEmbeddedPdb(const DebugEntry& entry) const {
  if (entry.type != kEmbeddedPortablePdb) return Invalid("not an embedded PDB entry");
  absl::StatusOr<ImageRange> range = DebugDataRange(entry);
  if (!range.ok()) return range.status();
  absl::StatusOr<std::string> header = Read(range->offset, std::min(range->size, 8u));
  if (!header.ok()) return header.status();
  ByteReader r(*header);
  if (r.U32() != kMpdbSignature || !r.ok()) return Invalid("embedded PDB without MPDB signature");
  uint32_t size = r.U32();
  if (!r.ok()) return Invalid("truncated embedded PDB header");
  if (size > kMaxEmbeddedPdbSize) {
    return Invalid(absl::StrCat("embedded PDB declares ", size, " bytes, over the limit"));
  }
  const uint32_t compressed = range->size - 8;
  // Deflate expands at most 1032:1; a larger claim is corrupt, refused before allocating.
  if (uint64_t{size} > uint64_t{compressed} * 1032 + 1024) {
    return Invalid(absl::StrCat("embedded PDB declares ", size, " bytes from ", compressed,
                                " compressed"));
  }
  std::string out(size, '\0');
  z_stream z{};
  if (inflateInit2(&z, -MAX_WBITS) != Z_OK) return absl::InternalError("inflateInit2 failed");
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = size;
  std::string chunk;
  uint32_t consumed = 0;  // of the compressed data, read into chunks so far
  int rc = Z_OK;
  absl::Status read_failure;
  while (rc == Z_OK) {
    if (z.avail_in == 0) {
      if (consumed == compressed) break;  // the data ends before the deflate stream does
      uint32_t n = std::min(kInflateChunk, compressed - consumed);
      absl::StatusOr<std::string> next = Read(range->offset + 8 + consumed, n);
      if (!next.ok()) {
        read_failure = next.status();
        break;
      }
      chunk = *std::move(next);
      consumed += n;
      z.next_in = reinterpret_cast<Bytef*>(chunk.data());
      z.avail_in = n;
    }
    rc = inflate(&z, Z_NO_FLUSH);
  }
  uLong produced = z.total_out;
  inflateEnd(&z);
  if (!read_failure.ok()) return read_failure;
  if (rc != Z_STREAM_END) {
    // No room left with the stream unfinished: it holds more than declared.
    return Invalid(z.avail_out == 0 && produced == size
                       ? "embedded PDB inflates to more than its declared size"
                       : "embedded PDB: corrupt deflate data");
  }
  if (produced != size) {
    return Invalid(absl::StrCat("embedded PDB inflates to ", produced, " bytes, declared ", size));
  }
  return out;
}

absl::StatusOr<PdbChecksum> PeImage::ReadPdbChecksum(const DebugEntry& entry) const {
  if (entry.type != kPdbChecksum) return Invalid("not a PDB checksum entry");
  absl::StatusOr<std::string> data = DebugRecord(entry);
  if (!data.ok()) return data.status();
  size_t nul = data->find('\0');
  if (nul == std::string::npos || nul == 0) return Invalid("PDB checksum without algorithm");
  PdbChecksum sum;
  sum.algorithm = data->substr(0, nul);
  sum.checksum = data->substr(nul + 1);
  if (sum.checksum.empty()) return Invalid("PDB checksum without checksum bytes");
  return sum;
}

absl::StatusOr<ImageRange> PeImage::MetadataRange() const {
  DataDirectory cli = directory(kCliHeader);
  if (cli.rva == 0) return absl::NotFoundError("PE image has no CLI header (not a .NET assembly)");
  // cb, runtime version (2 x u16), then the metadata directory.
  absl::StatusOr<std::string> header = ReadRva(cli.rva, 16);
  if (!header.ok()) return header.status();
  ByteReader r(*header);
  r.Skip(8);
  uint32_t rva = r.U32();
  uint32_t size = r.U32();
  if (size == 0) return Invalid("CLI header with empty metadata");
  absl::StatusOr<uint32_t> offset = RvaToOffset(rva, size);
  if (!offset.ok()) return offset.status();
  return ImageRange{*offset, size};
}

absl::StatusOr<std::string> PeImage::Metadata() const {
  absl::StatusOr<ImageRange> range = MetadataRange();
  if (!range.ok()) return range.status();
  return Read(range->offset, range->size);
}

}  // namespace ddcrash::pe
