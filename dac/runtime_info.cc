#include "dac/runtime_info.h"

#include <elf.h>

#include <cstring>
#include <memory>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "elf/nativeaot_section.h"

namespace ddcrash::dac {
namespace {

constexpr char kSignature[] = "DotNetRuntimeInfo";  // 17 chars + NUL = 18 bytes
constexpr std::string_view kRuntimeFileName = "libcoreclr.so";
constexpr std::string_view kRuntimeInfoSymbol = "DotNetRuntimeInfo";
// Most .dynsym bytes read when looking for DotNetRuntimeInfo.
constexpr uint64_t kMaxDynsymSize = uint64_t{64} << 20;

std::string FileName(std::string_view path) {
  size_t slash = path.find_last_of('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

std::string ModuleIndex(absl::Span<const uint8_t> field) {
  // Length byte, then that many bytes (at most 23).
  size_t n = field[0];
  if (n > field.size() - 1) n = 0;
  return std::string(reinterpret_cast<const char*>(field.data()) + 1, n);
}

struct Candidate {
  const LoadedModule* module;
  std::optional<uint64_t> runtime_info_value;  // st_value of DotNetRuntimeInfo
};

// st_value of the defined dynamic symbol `name`; NotFound when the file has none.
absl::StatusOr<uint64_t> FindDynamicSymbol(const ElfFile& file, std::string_view name) {
  // ReadSymbols reads the first SHT_DYNSYM section whole: refuse an implausibly large one.
  for (const ElfSection& section : file.sections()) {
    if (section.type != SHT_DYNSYM) continue;
    if (section.size > kMaxDynsymSize) {
      return absl::InvalidArgumentError(absl::StrCat(file.path(), ": .dynsym too large"));
    }
    break;
  }
  absl::StatusOr<std::vector<ElfSymbol>> symbols = file.ReadSymbols(SymbolTableKind::kDynsym);
  if (!symbols.ok()) return symbols.status();
  for (const ElfSymbol& symbol : *symbols) {
    if (symbol.name == name) return symbol.value;
  }
  return absl::NotFoundError(absl::StrCat(file.path(), ": no dynamic symbol ", std::string(name)));
}

// The module's file, opened through the target's view.
absl::StatusOr<std::unique_ptr<ElfFile>> OpenTargetFile(const TargetFiles& files,
                                                        const std::string& path) {
  absl::StatusOr<std::string> openable = files.Openable(path);
  if (!openable.ok()) return openable.status();
  return ElfFile::Open(*openable);
}

}  // namespace

std::string RuntimeVersion::ToString() const { return absl::StrCat(major, ".", minor, ".", patch); }

absl::StatusOr<DotNetRuntimeInfoData> ParseDotNetRuntimeInfo(absl::Span<const uint8_t> bytes) {
  if (bytes.size() < kDotNetRuntimeInfoV1Size) {
    return absl::InvalidArgumentError("DotNetRuntimeInfo: too short");
  }
  if (std::memcmp(bytes.data(), kSignature, sizeof(kSignature)) != 0) {
    return absl::InvalidArgumentError("DotNetRuntimeInfo: bad signature");
  }
  DotNetRuntimeInfoData d;
  std::memcpy(&d.version, bytes.data() + 20, 4);
  if (d.version < 1 || d.version > 1000) {
    return absl::InvalidArgumentError(absl::StrCat("DotNetRuntimeInfo: implausible version ",
                                                   d.version));
  }
  d.runtime_build_id = ModuleIndex(bytes.subspan(24, 24));
  d.dac_build_id = ModuleIndex(bytes.subspan(48, 24));
  d.dbi_build_id = ModuleIndex(bytes.subspan(72, 24));
  if (d.version >= 2 && bytes.size() >= kDotNetRuntimeInfoV2Size) {
    int32_t v[4];
    std::memcpy(v, bytes.data() + 96, sizeof(v));
    d.has_runtime_version = true;
    // The file version (10.0.1226.x for 10.0.12), as in the version stamp: patch * 100 + n.
    d.runtime_version = {v[0], v[1], v[2] / 100};
  }
  return d;
}

absl::StatusOr<VersionStamp> ParseVersionStamp(std::string_view text) {
  if (text.substr(0, kVersionStampPrefix.size()) != kVersionStampPrefix) {
    return absl::InvalidArgumentError("version stamp does not start with '@(#)Version '");
  }
  VersionStamp s;
  s.text = std::string(text);
  absl::string_view rest(text.data() + kVersionStampPrefix.size(),
                         text.size() - kVersionStampPrefix.size());
  size_t space = rest.find(' ');
  absl::string_view file_version = rest.substr(0, space);
  s.file_version = std::string(file_version);
  if (space != absl::string_view::npos) {
    absl::string_view tail = rest.substr(space + 1);
    constexpr absl::string_view kCommit = "@Commit: ";
    if (absl::StartsWith(tail, kCommit)) s.commit = std::string(tail.substr(kCommit.size()));
  }
  std::vector<absl::string_view> parts = absl::StrSplit(file_version, '.');
  int numbers[3] = {0, 0, 0};
  if (parts.size() < 3) {
    return absl::InvalidArgumentError(absl::StrCat("version stamp: bad file version '",
                                                   std::string(file_version), "'"));
  }
  for (int i = 0; i < 3; ++i) {
    if (!absl::SimpleAtoi(parts[i], &numbers[i]) || numbers[i] < 0) {
      return absl::InvalidArgumentError(absl::StrCat("version stamp: bad file version '",
                                                     std::string(file_version), "'"));
    }
  }
  s.version = {numbers[0], numbers[1], numbers[2] / 100};
  return s;
}

absl::StatusOr<std::string> FindVersionStamp(const ElfFile& file) {
  for (const char* name : {".data", ".rodata"}) {
    const ElfSection* section = file.FindSection(name);
    if (section == nullptr || section->type != SHT_PROGBITS) continue;
    if (section->size > kMaxStampSectionSize) {
      return absl::InvalidArgumentError(
          absl::StrCat(file.path(), ": ", name, " too large (", section->size, " bytes)"));
    }
    absl::StatusOr<std::string> bytes = file.ReadSection(*section);
    if (!bytes.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(file.path(), ": cannot read ", name, ": ", bytes.status().message()));
    }
    size_t hit = bytes->find(kVersionStampPrefix);
    if (hit == std::string::npos) continue;
    size_t nul = bytes->find('\0', hit);
    if (nul == std::string::npos || nul - hit > kMaxVersionStampLength) {
      return absl::InvalidArgumentError(absl::StrCat(
          file.path(), ": string starting with '", std::string(kVersionStampPrefix),
          "' is not terminated"));
    }
    return bytes->substr(hit, nul - hit);
  }
  return absl::NotFoundError(absl::StrCat(file.path(), ": no string starting with '",
                                          std::string(kVersionStampPrefix),
                                          "' in .data or .rodata"));
}

absl::StatusOr<RuntimeInfo> FindRuntime(absl::Span<const LoadedModule> modules, ProcessMemory& memory) {
  return FindRuntime(modules, memory, TargetFiles::Local());
}

absl::StatusOr<std::string> FindNativeAotImage(absl::Span<const LoadedModule> modules,
                                               const TargetFiles& files) {
  for (const LoadedModule& m : modules) {
    if (m.kind != ModuleKind::kElf || m.path.empty() || m.path[0] != '/') continue;
    absl::StatusOr<std::unique_ptr<ElfFile>> f = OpenTargetFile(files, m.path);
    if (f.ok() && (*f)->FindSection(kNativeAotCodeSection) != nullptr) return m.path;
  }
  return absl::NotFoundError("no module holds NativeAOT code (no __managedcode section)");
}

absl::StatusOr<RuntimeInfo> FindRuntime(absl::Span<const LoadedModule> modules, ProcessMemory& memory,
                                        const TargetFiles& files) {
  // 1. libcoreclr.so; 2. any other ELF module exporting DotNetRuntimeInfo (single-file).
  std::optional<Candidate> found;
  RuntimeInfo::Kind kind = RuntimeInfo::Kind::kSharedLibrary;
  std::unique_ptr<ElfFile> file;
  for (const LoadedModule& m : modules) {
    if (m.kind != ModuleKind::kElf || FileName(m.path) != kRuntimeFileName) continue;
    found = Candidate{&m, std::nullopt};
    break;
  }
  if (!found) {
    for (const LoadedModule& m : modules) {
      if (m.kind != ModuleKind::kElf || m.path.empty() || m.path[0] != '/') continue;
      absl::StatusOr<std::unique_ptr<ElfFile>> f = OpenTargetFile(files, m.path);
      if (!f.ok()) continue;
      absl::StatusOr<uint64_t> value = FindDynamicSymbol(**f, kRuntimeInfoSymbol);
      if (!value.ok()) continue;
      found = Candidate{&m, *value};
      kind = RuntimeInfo::Kind::kSingleFile;
      file = *std::move(f);
      break;
    }
  }
  if (!found) {
    return absl::NotFoundError(
        "no .NET runtime in the process: no libcoreclr.so mapped and no module exports "
        "DotNetRuntimeInfo");
  }
  const LoadedModule& module = *found->module;
  RuntimeInfo info;
  info.kind = kind;
  info.module_path = module.path;
  info.module_base = module.base;
  info.files = files;

  // Identity: the module map read it from target memory (falling back to the file).
  if (module.build_id.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "no build id for the runtime ", module.path,
        ": its notes were unreadable in target memory and in the file"));
  }
  info.build_id = module.build_id;

  if (!file) {
    absl::StatusOr<std::unique_ptr<ElfFile>> f = OpenTargetFile(files, module.path);
    if (!f.ok()) {
      return absl::FailedPreconditionError(absl::StrCat("cannot open the runtime file: ",
                                                        f.status().message()));
    }
    file = *std::move(f);
    absl::StatusOr<uint64_t> value = FindDynamicSymbol(*file, kRuntimeInfoSymbol);
    if (value.ok()) found->runtime_info_value = *value;
  }
  const std::string file_id = file->BuildId();
  if (file_id != info.build_id) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the runtime file ", module.path, " on disk is not the image mapped in the process (",
        "build id in memory ", absl::BytesToHexString(info.build_id), ", on disk ",
        file_id.empty() ? "none" : absl::BytesToHexString(file_id), ")"));
  }

  if (found->runtime_info_value) {
    if (!module.load_bias.has_value()) {
      return absl::FailedPreconditionError(absl::StrCat("load bias of the runtime ", module.path,
                                                        " unknown: its program headers were unreadable"));
    }
    info.runtime_info_address = *module.load_bias + *found->runtime_info_value;
    std::vector<uint8_t> bytes(kDotNetRuntimeInfoV2Size);
    absl::StatusOr<size_t> n = memory.Read(info.runtime_info_address, absl::MakeSpan(bytes));
    if (!n.ok()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "cannot read DotNetRuntimeInfo at 0x", absl::Hex(info.runtime_info_address), ": ",
          n.status().message()));
    }
    bytes.resize(*n);
    absl::StatusOr<DotNetRuntimeInfoData> data = ParseDotNetRuntimeInfo(bytes);
    if (!data.ok()) return data.status();
    info.has_runtime_info = true;
    info.runtime_info = *data;
  }

  absl::StatusOr<std::string> stamp_text = FindVersionStamp(*file);
  if (stamp_text.ok()) {
    absl::StatusOr<VersionStamp> stamp = ParseVersionStamp(*stamp_text);
    if (stamp.ok()) info.stamp = *stamp;
  }
  if (info.has_runtime_info && info.runtime_info.has_runtime_version) {
    info.version = info.runtime_info.runtime_version;
  } else if (!info.stamp.text.empty()) {
    info.version = info.stamp.version;
  } else {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot tell the version of the runtime ", module.path,
        ": no DotNetRuntimeInfo version and no '@(#)Version' stamp"));
  }
  return info;
}

}  // namespace ddcrash::dac
