#include "unwind/debug_file.h"

#include "absl/strings/escaping.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ddcrash {
namespace {

std::array<uint32_t, 256> MakeCrcTable() {
  std::array<uint32_t, 256> table{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (0xEDB88320u ^ (c >> 1)) : (c >> 1);
    table[i] = c;
  }
  return table;
}

std::string DirName(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

uint32_t DebugLinkCrc32(std::string_view data, uint32_t crc) {
  static const std::array<uint32_t, 256> table = MakeCrcTable();
  crc = ~crc;
  for (unsigned char byte : data) crc = table[(crc ^ byte) & 0xff] ^ (crc >> 8);
  return ~crc;
}

absl::StatusOr<uint32_t> DebugLinkCrc32OfFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return absl::NotFoundError(absl::StrCat("open ", path, ": ", std::strerror(errno)));
  uint32_t crc = 0;
  std::string buffer(1 << 16, '\0');
  off_t offset = 0;
  for (;;) {
    ssize_t n = ::pread(fd, buffer.data(), buffer.size(), offset);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int saved = errno;
      ::close(fd);
      return absl::InternalError(absl::StrCat("pread ", path, ": ", std::strerror(saved)));
    }
    if (n == 0) break;
    crc = DebugLinkCrc32(std::string_view(buffer.data(), static_cast<size_t>(n)), crc);
    offset += n;
  }
  ::close(fd);
  return crc;
}

std::vector<std::string> BuildIdDebugPaths(std::string_view build_id,
                                           const DebugFileOptions& options) {
  std::vector<std::string> out;
  if (build_id.size() < 2) return out;
  std::string hex = absl::BytesToHexString(absl::string_view(build_id.data(), build_id.size()));
  for (const std::string& root : options.debug_roots) {
    out.push_back(absl::StrCat(root, "/.build-id/", hex.substr(0, 2), "/", hex.substr(2), ".debug"));
  }
  return out;
}

std::vector<std::string> DebugLinkPaths(const std::string& elf_path, std::string_view link_name,
                                        const DebugFileOptions& options) {
  std::vector<std::string> out;
  if (link_name.empty() || link_name.find('/') != std::string_view::npos) return out;
  std::string dir = DirName(elf_path);
  std::string sep = dir == "/" ? "" : "/";
  out.push_back(absl::StrCat(dir, sep, std::string(link_name)));
  out.push_back(absl::StrCat(dir, sep, ".debug/", std::string(link_name)));
  for (const std::string& root : options.debug_roots) {
    out.push_back(absl::StrCat(root, dir, sep, std::string(link_name)));
  }
  return out;
}

absl::StatusOr<std::unique_ptr<ElfFile>> OpenSeparateDebugFile(const ElfFile& elf,
                                                               const std::string& elf_path,
                                                               const DebugFileOptions& options,
                                                               const TargetFiles& files) {
  const std::string build_id = elf.BuildId();
  for (const std::string& candidate : BuildIdDebugPaths(build_id, options)) {
    absl::StatusOr<std::string> openable = files.Openable(candidate);
    if (!openable.ok()) continue;
    absl::StatusOr<std::unique_ptr<ElfFile>> debug = ElfFile::Open(*openable);
    if (debug.ok() && (*debug)->BuildId() == build_id) return debug;
  }
  std::optional<GnuDebugLink> link = elf.DebugLink();
  if (link.has_value()) {
    for (const std::string& candidate : DebugLinkPaths(elf_path, link->file_name, options)) {
      if (candidate == elf_path) continue;  // a file is not its own debug file
      absl::StatusOr<std::string> openable = files.Openable(candidate);
      if (!openable.ok()) continue;
      absl::StatusOr<uint32_t> crc = DebugLinkCrc32OfFile(*openable);
      if (!crc.ok() || *crc != link->crc) continue;
      absl::StatusOr<std::unique_ptr<ElfFile>> debug = ElfFile::Open(*openable);
      if (!debug.ok()) continue;
      std::string debug_id = (*debug)->BuildId();
      if (!build_id.empty() && !debug_id.empty() && debug_id != build_id) continue;
      return debug;
    }
  }
  return absl::NotFoundError(absl::StrCat("no separate debug file for ", elf_path));
}

}  // namespace ddcrash
