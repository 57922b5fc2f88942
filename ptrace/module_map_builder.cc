#include "ptrace/module_map_builder.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "bundle/bundle_manifest.h"
#include "elf/elf_header.h"
#include "elf/image_reader.h"
#include "elf/load_bias.h"
#include "ptrace/target_files.h"

namespace ddcrash {
namespace {

// A file the target mapped, opened for reading (or not).
class MappedFile {
 public:
  MappedFile(pid_t pid, const Mapping& mapping) {
    if (pid != 0) {
      std::string map_file =
          absl::StrFormat("/proc/%d/map_files/%x-%x", pid, mapping.start, mapping.end);
      fd_ = open(map_file.c_str(), O_RDONLY | O_CLOEXEC);
    }
    // A path of a deleted file may name a different, newer file: do not trust it. The path is
    // the target's: opened through its view of the file system.
    if (fd_ < 0 && !mapping.deleted) {
      absl::StatusOr<std::string> path =
          (pid != 0 ? TargetFiles::Of(pid) : TargetFiles::Local()).Openable(mapping.path);
      if (path.ok()) fd_ = open(path->c_str(), O_RDONLY | O_CLOEXEC);
    }
  }
  ~MappedFile() {
    if (fd_ >= 0) close(fd_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  absl::StatusOr<std::vector<uint8_t>> Read(uint64_t offset, size_t size) const {
    if (fd_ < 0) return absl::NotFoundError("mapped file cannot be opened");
    if (offset > static_cast<uint64_t>(INT64_MAX)) return absl::OutOfRangeError("bad offset");
    std::vector<uint8_t> bytes(size);
    size_t done = 0;
    while (done < size) {
      ssize_t n = pread(fd_, bytes.data() + done, size - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return absl::OutOfRangeError("mapped file is shorter than its headers say");
      done += static_cast<size_t>(n);
    }
    return bytes;
  }

  absl::StatusOr<uint64_t> Size() const {
    struct stat st;
    if (fd_ < 0) return absl::NotFoundError("mapped file cannot be opened");
    if (fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
      return absl::FailedPreconditionError("mapped file is not a regular file");
    }
    return static_cast<uint64_t>(st.st_size);
  }

 private:
  int fd_ = -1;
};

absl::StatusOr<std::vector<uint8_t>> ReadMemory(ProcessMemory& memory, uint64_t address,
                                                size_t size) {
  std::vector<uint8_t> bytes(size);
  absl::Status status = memory.ReadExact(address, absl::MakeSpan(bytes));
  if (!status.ok()) return status;
  return bytes;
}

struct Group {
  std::vector<const Mapping*> mappings;  // in address order
  // The bundled assembly whose bytes the mappings are (a single-file app's), else nullptr.
  const bundle::BundledFile* bundled = nullptr;
};

// memfd mappings are anonymous memory with a name: .NET double-maps its JIT code through
// "/memfd:doublemapper", so they are treated like anonymous regions.
bool IsMemfd(const Mapping& m) { return absl::StartsWith(m.path, "/memfd:"); }

bool SameFile(const Mapping& a, const Mapping& b) {
  return a.inode == b.inode && a.dev_major == b.dev_major && a.dev_minor == b.dev_minor &&
         a.path == b.path;
}

// Fills in kind, load bias and build id of a file module from its first bytes.
void IdentifyFile(const Group& group, ProcessMemory& memory, pid_t pid, LoadedModule& module) {
  const Mapping* header_mapping = nullptr;  // a readable mapping of file offset 0
  for (const Mapping* m : group.mappings) {
    if (m->file_offset == 0 && m->readable) {
      header_mapping = m;
      break;
    }
  }
  const Mapping& first = *group.mappings.front();
  MappedFile file(pid, first);

  constexpr size_t kMagicSize = 4;
  absl::StatusOr<std::vector<uint8_t>> magic =
      header_mapping != nullptr ? ReadMemory(memory, header_mapping->start, kMagicSize)
                                : absl::UnavailableError("no header mapping");
  if (!magic.ok()) magic = file.Read(0, kMagicSize);
  if (!magic.ok()) return;
  if ((*magic)[0] == 'M' && (*magic)[1] == 'Z') {
    module.kind = ModuleKind::kPe;
    return;
  }
  if (!HasElfMagic(*magic)) return;
  module.kind = ModuleKind::kElf;

  auto read_memory = [&](uint64_t address, size_t size) {
    return ReadMemory(memory, address, size);
  };
  auto read_file = [&](uint64_t offset, size_t size) { return file.Read(offset, size); };

  absl::StatusOr<std::vector<ElfProgramHeader>> headers =
      header_mapping != nullptr ? ReadProgramHeaders(read_memory, header_mapping->start)
                                : absl::UnavailableError("no header mapping");
  if (!headers.ok()) headers = ReadProgramHeaders(read_file, 0);
  if (!headers.ok()) return;

  absl::StatusOr<uint64_t> bias = ComputeLoadBias(*headers, first.start, first.file_offset);
  if (!bias.ok()) {
    // Bytes of an ELF file outside its segments, mapped apart from its image: files a
    // single-file app bundles after its host that its manifest does not place (or a manifest
    // that could not be read; those it places are modules of their own). Not ELF code.
    if (header_mapping == nullptr) module.kind = ModuleKind::kOtherFile;
    return;
  }
  module.load_bias = *bias;

  absl::StatusOr<std::string> build_id =
      ReadBuildId(read_memory, *headers, ElfLayout::kMemory, *bias);
  if (!build_id.ok() || build_id->empty()) {
    absl::StatusOr<std::string> from_file = ReadBuildId(read_file, *headers, ElfLayout::kFile, 0);
    if (from_file.ok()) build_id = std::move(from_file);
  }
  if (build_id.ok()) module.build_id = *std::move(build_id);
}

constexpr uint64_t kPageSize = 4096;
// Most bytes of a host's writable segments searched for the bundle placeholder.
constexpr uint64_t kMaxPlaceholderSearch = uint64_t{16} << 20;

uint64_t PageDown(uint64_t v) { return v & ~(kPageSize - 1); }

using FileKey = std::tuple<uint32_t, uint32_t, uint64_t, std::string>;
FileKey KeyOf(const Mapping& m) { return {m.dev_major, m.dev_minor, m.inode, m.path}; }

// The assemblies and PDBs a single-file host bundles uncompressed (the runtime maps assemblies
// from the executable; compressed ones it inflates into anonymous memory), sorted by offset.
using BundleFiles = std::vector<bundle::BundledFile>;

// The files listed by the bundle manifest of the ELF file mapped at `header` (file offset 0),
// when it has one.
// Only a file with a mapping past its PT_LOAD segments is looked at: a single-file host whose
// runtime mapped bundled files (any other ELF file never has one).
std::optional<BundleFiles> ReadBundle(const Mapping& header,
                                            const std::vector<const Mapping*>& same_file,
                                            ProcessMemory& memory, pid_t pid) {
  auto read_memory = [&](uint64_t address, size_t size) {
    return ReadMemory(memory, address, size);
  };
  absl::StatusOr<std::vector<ElfProgramHeader>> headers =
      ReadProgramHeaders(read_memory, header.start);
  if (!headers.ok()) return std::nullopt;
  uint64_t image_end = 0;
  for (const ElfProgramHeader& h : *headers) {
    if (h.type == PT_LOAD && h.offset <= UINT64_MAX - h.filesz) {
      image_end = std::max(image_end, h.offset + h.filesz);
    }
  }
  image_end = (image_end + kPageSize - 1) & ~(kPageSize - 1);
  if (std::none_of(same_file.begin(), same_file.end(), [&](const Mapping* m) {
        return m->file_offset + (m->end - m->start) > image_end;
      })) {
    return std::nullopt;
  }
  const MappedFile f(pid, header);
  absl::StatusOr<uint64_t> file_size = f.Size();
  if (!file_size.ok()) return std::nullopt;
  // The placeholder is a static variable of the host: in a writable segment.
  absl::StatusOr<uint64_t> manifest_offset = absl::NotFoundError("no writable segment");
  uint64_t budget = kMaxPlaceholderSearch;
  for (const ElfProgramHeader& h : *headers) {
    if (h.type != PT_LOAD || (h.flags & PF_W) == 0 || h.offset >= *file_size) continue;
    const uint64_t size = std::min({h.filesz, *file_size - h.offset, budget});
    budget -= size;
    absl::StatusOr<std::vector<uint8_t>> bytes = f.Read(h.offset, static_cast<size_t>(size));
    if (!bytes.ok()) continue;
    manifest_offset = bundle::FindManifestOffset(absl::string_view(
        reinterpret_cast<const char*>(bytes->data()), bytes->size()));
    if (manifest_offset.ok()) break;
  }
  if (!manifest_offset.ok()) return std::nullopt;
  auto read_file = [&](uint64_t offset, size_t size) -> absl::StatusOr<std::string> {
    absl::StatusOr<std::vector<uint8_t>> bytes = f.Read(offset, size);
    if (!bytes.ok()) return bytes.status();
    return std::string(bytes->begin(), bytes->end());
  };
  absl::StatusOr<bundle::BundleManifest> manifest =
      bundle::ReadManifest(read_file, *file_size, *manifest_offset);
  if (!manifest.ok()) return std::nullopt;
  BundleFiles files;
  for (bundle::BundledFile& b : manifest->files) {
    if ((b.type == bundle::kAssembly || b.type == bundle::kSymbols) && !b.compressed() &&
        b.size > 0) {
      files.push_back(std::move(b));
    }
  }
  std::sort(files.begin(), files.end(),
            [](const bundle::BundledFile& a, const bundle::BundledFile& b) {
              return a.offset < b.offset;
            });
  return files;
}

// The bundles of the single-file hosts among the mapped files.
std::map<FileKey, BundleFiles> FindBundles(const std::vector<Mapping>& mappings,
                                                 ProcessMemory& memory, pid_t pid) {
  std::map<FileKey, std::vector<const Mapping*>> files;
  for (const Mapping& m : mappings) {
    if (m.IsFileBacked() && !IsMemfd(m)) files[KeyOf(m)].push_back(&m);
  }
  std::map<FileKey, BundleFiles> bundles;
  for (const auto& [key, same_file] : files) {
    for (const Mapping* m : same_file) {
      if (m->file_offset != 0 || !m->readable) continue;
      absl::StatusOr<std::vector<uint8_t>> magic = ReadMemory(memory, m->start, 4);
      if (!magic.ok() || !HasElfMagic(*magic)) break;
      std::optional<BundleFiles> found = ReadBundle(*m, same_file, memory, pid);
      if (found.has_value()) bundles.emplace(key, *std::move(found));
      break;
    }
  }
  return bundles;
}

// The bundled assembly whose bytes a mapping of file offset `offset` maps: the runtime maps
// from the page holding an assembly's start (a flat view), or sections of it (a loaded
// image). Two assemblies may share a page; a mapping starting in it is the later one's.
const bundle::BundledFile* BundledAt(const BundleFiles& files, uint64_t offset) {
  auto after = std::upper_bound(
      files.begin(), files.end(), offset,
      [](uint64_t o, const bundle::BundledFile& b) { return o < PageDown(b.offset); });
  if (after == files.begin()) return nullptr;
  const bundle::BundledFile& b = *std::prev(after);
  // The manifest reader checked that offset + size lies in the file: no overflow.
  return offset < b.offset + b.size ? &b : nullptr;
}

// The vdso is an ELF image in memory only.
void IdentifyVdso(const Mapping& mapping, ProcessMemory& memory, LoadedModule& module) {
  module.kind = ModuleKind::kElf;
  auto read_memory = [&](uint64_t address, size_t size) {
    return ReadMemory(memory, address, size);
  };
  absl::StatusOr<std::vector<ElfProgramHeader>> headers =
      ReadProgramHeaders(read_memory, mapping.start);
  if (!headers.ok()) return;
  absl::StatusOr<uint64_t> bias = ComputeLoadBias(*headers, mapping.start, 0);
  if (!bias.ok()) return;
  module.load_bias = *bias;
  absl::StatusOr<std::string> build_id =
      ReadBuildId(read_memory, *headers, ElfLayout::kMemory, *bias);
  if (build_id.ok()) module.build_id = *std::move(build_id);
}

LoadedModule ModuleFromGroup(const Group& group) {
  LoadedModule module;
  const Mapping& first = *group.mappings.front();
  module.path = first.path;
  module.base = first.start;
  module.end = group.mappings.back()->end;
  module.file_offset = first.file_offset;
  module.deleted = first.deleted;
  for (const Mapping* m : group.mappings) module.executable |= m->executable;
  return module;
}

}  // namespace

ModuleMap BuildModuleMap(std::vector<Mapping> mappings, ProcessMemory& memory, pid_t pid) {
  std::sort(mappings.begin(), mappings.end(),
            [](const Mapping& a, const Mapping& b) { return a.start < b.start; });
  const std::map<FileKey, BundleFiles> bundles = FindBundles(mappings, memory, pid);

  std::vector<LoadedModule> modules;
  Group open;  // the file module being collected
  auto close_open = [&] {
    if (open.mappings.empty()) return;
    LoadedModule module = ModuleFromGroup(open);
    absl::StatusOr<std::string> name =
        open.bundled != nullptr ? bundle::RuntimePath(module.path, *open.bundled)
                                : absl::NotFoundError("not bundled");
    if (name.ok()) {
      if (open.bundled->type == bundle::kAssembly) module.kind = ModuleKind::kPe;
      module.bundled = binary::FileRange{module.path, open.bundled->offset, open.bundled->size};
      module.path = *std::move(name);
    } else {
      IdentifyFile(open, memory, pid, module);
    }
    modules.push_back(std::move(module));
    open.mappings.clear();
    open.bundled = nullptr;
  };

  for (const Mapping& m : mappings) {
    if (m.IsFileBacked() && !IsMemfd(m)) {
      const bundle::BundledFile* bundled = nullptr;
      if (auto b = bundles.find(KeyOf(m)); b != bundles.end()) {
        bundled = BundledAt(b->second, m.file_offset);
      }
      const Mapping* last = open.mappings.empty() ? nullptr : open.mappings.back();
      // A loaded image of a bundled assembly maps its headers and sections from offsets that
      // need not increase; a flat view (shared) is one mapping of its own.
      bool joins = last != nullptr && SameFile(*last, m) && open.bundled == bundled &&
                   (bundled != nullptr
                        ? !m.shared && !last->shared &&
                              m.file_offset >= open.mappings.front()->file_offset
                        : m.file_offset > last->file_offset);
      if (!joins) close_open();
      open.mappings.push_back(&m);
      open.bundled = bundled;
      continue;
    }
    if (!m.executable && m.path != "[vdso]") continue;  // data: heap, stacks, .bss
    // A module of its own. Closing the open file module keeps modules non-overlapping.
    close_open();
    Group single;
    single.mappings.push_back(&m);
    LoadedModule module = ModuleFromGroup(single);
    if (m.path == "[vdso]") {
      IdentifyVdso(m, memory, module);
    } else {
      module.kind = ModuleKind::kAnonymousExecutable;
    }
    modules.push_back(std::move(module));
  }
  close_open();
  std::vector<NamedBundledFile> bundled_files;
  for (const auto& [key, files] : bundles) {
    // A deleted executable's path may name a newer file: its files are not to be read by name.
    const auto mapping = std::find_if(mappings.begin(), mappings.end(), [&](const Mapping& m) {
      return m.IsFileBacked() && KeyOf(m) == key;
    });
    if (mapping == mappings.end() || mapping->deleted) continue;
    const std::string& executable = std::get<3>(key);
    for (const bundle::BundledFile& f : files) {
      absl::StatusOr<std::string> name = bundle::RuntimePath(executable, f);
      if (name.ok()) {
        bundled_files.push_back({*std::move(name), binary::FileRange{executable, f.offset, f.size}});
      }
    }
  }
  return ModuleMap(std::move(mappings), std::move(modules), std::move(bundled_files));
}

}  // namespace ddcrash
