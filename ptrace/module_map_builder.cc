#include "ptrace/module_map_builder.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
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
    // Bytes of an ELF file outside its segments, mapped apart from its image: the files a
    // single-file app bundles after its host (assemblies, JSON), mapped by the runtime. Not
    // ELF code; the DAC names the assemblies among them.
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

  std::vector<LoadedModule> modules;
  Group open;  // the file module being collected
  auto close_open = [&] {
    if (open.mappings.empty()) return;
    LoadedModule module = ModuleFromGroup(open);
    IdentifyFile(open, memory, pid, module);
    modules.push_back(std::move(module));
    open.mappings.clear();
  };

  for (const Mapping& m : mappings) {
    if (m.IsFileBacked() && !IsMemfd(m)) {
      bool joins = !open.mappings.empty() && SameFile(*open.mappings.back(), m) &&
                   m.file_offset > open.mappings.back()->file_offset;
      if (!joins) close_open();
      open.mappings.push_back(&m);
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
  return ModuleMap(std::move(mappings), std::move(modules));
}

}  // namespace ddcrash
