// Finding the .NET runtime in a captured process and what identifies it: the module holding it
// (libcoreclr.so, or a single-file app's executable), its build id, the DotNetRuntimeInfo
// export when there is one, and its version.
//
// Facts checked on the runtime packs 8.0.31, 9.0.20 and 10.0.12: libcoreclr.so does NOT export
// DotNetRuntimeInfo; only single-file hosts (singlefilehost) do. Every runtime binary carries
// the stamp "@(#)Version <file version> @Commit: <sha>", identical in libcoreclr.so and the
// libmscordaccore.so built with it; the file version's third part is patch * 100 + n
// (8.0.3126.42015 is 8.0.31).
#ifndef DDCRASH_DAC_RUNTIME_INFO_H_
#define DDCRASH_DAC_RUNTIME_INFO_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "ptrace/module_map.h"
#include "ptrace/process_memory.h"
#include "elf/elf_file.h"
#include "ptrace/target_files.h"

namespace ddcrash::dac {

struct RuntimeVersion {
  int major = 0;
  int minor = 0;
  int patch = 0;
  std::string ToString() const;  // "8.0.31"
};

// The exported `DotNetRuntimeInfo` struct, decoded. Layout: char Signature[18]
// ("DotNetRuntimeInfo"), int Version @20, RuntimeModuleIndex[24] @24, DacModuleIndex[24] @48,
// DbiModuleIndex[24] @72 (each: length byte + GNU build id), Version >= 2: int
// RuntimeVersion[4] @96, the file version (10.0.1226.x for 10.0.12, checked on 8.0.31, 9.0.20
// and 10.0.12 single-file hosts).
struct DotNetRuntimeInfoData {
  int32_t version = 0;
  std::string runtime_build_id;  // raw bytes
  std::string dac_build_id;
  std::string dbi_build_id;
  bool has_runtime_version = false;
  RuntimeVersion runtime_version;
};
inline constexpr size_t kDotNetRuntimeInfoV1Size = 96;
inline constexpr size_t kDotNetRuntimeInfoV2Size = 112;
absl::StatusOr<DotNetRuntimeInfoData> ParseDotNetRuntimeInfo(absl::Span<const uint8_t> bytes);

// "@(#)Version 8.0.3126.42015 @Commit: 1219a42…" decoded.
struct VersionStamp {
  std::string text;          // the whole string
  std::string file_version;  // "8.0.3126.42015"
  std::string commit;        // may be empty
  RuntimeVersion version;    // 8.0.31
};
inline constexpr std::string_view kVersionStampPrefix = "@(#)Version ";
absl::StatusOr<VersionStamp> ParseVersionStamp(std::string_view text);

// The "@(#)Version …" string of a runtime binary (libcoreclr.so, libmscordaccore.so, a
// single-file host): the first NUL-terminated string starting with kVersionStampPrefix in
// .data (where the runtime keeps it), else in .rodata; sections larger than
// kMaxStampSectionSize are not read. NotFound when neither section holds one; InvalidArgument
// when it is not terminated within kMaxVersionStampLength bytes.
inline constexpr size_t kMaxVersionStampLength = 512;
inline constexpr uint64_t kMaxStampSectionSize = uint64_t{64} << 20;
absl::StatusOr<std::string> FindVersionStamp(const ElfFile& file);

struct RuntimeInfo {
  enum class Kind { kSharedLibrary, kSingleFile };
  Kind kind = Kind::kSharedLibrary;
  std::string module_path;  // the mapped file holding the runtime
  uint64_t module_base = 0;
  std::string build_id;  // raw GNU build id of that module: the module map's
  // From the DotNetRuntimeInfo export, when the module has one (single-file hosts).
  bool has_runtime_info = false;
  uint64_t runtime_info_address = 0;
  DotNetRuntimeInfoData runtime_info;
  // From the module's file (accepted only when its build id equals `build_id`).
  VersionStamp stamp;
  // DotNetRuntimeInfo's RuntimeVersion when present, else the stamp's.
  RuntimeVersion version;
  // The target's view of the file system, through which its runtime's files are read
  // (module_path and the DAC beside it are paths in that view).
  TargetFiles files = TargetFiles::Local();
};

// Finds the runtime among `modules`: the ELF module named libcoreclr.so, else an ELF module
// exporting DotNetRuntimeInfo (single-file). Its build id and load bias are the module map's
// (ptrace/module_map_builder.h reads them from target memory); the DotNetRuntimeInfo struct
// is read from target memory and the version stamp from the file. NotFound when the process
// has no .NET runtime; FailedPrecondition when the module map has no build id for it, or the
// file on disk is not the mapped image. Files are opened through `files`, the target's view.
absl::StatusOr<RuntimeInfo> FindRuntime(absl::Span<const LoadedModule> modules, ProcessMemory& memory,
                                        const TargetFiles& files);
// The module holding NativeAOT-compiled managed code (an ELF module with a __managedcode
// section, opened through `files`): its path. NativeAOT has no DAC and no runtime library, so
// this is all there is to find. NotFound when no module has one.
absl::StatusOr<std::string> FindNativeAotImage(absl::Span<const LoadedModule> modules,
                                               const TargetFiles& files);
// The same for a process sharing our view of the file system.
absl::StatusOr<RuntimeInfo> FindRuntime(absl::Span<const LoadedModule> modules, ProcessMemory& memory);

}  // namespace ddcrash::dac

#endif  // DDCRASH_DAC_RUNTIME_INFO_H_
