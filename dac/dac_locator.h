// Choosing the DAC (libmscordaccore.so) for a runtime, and refusing any that does not match it.
//
// Where: the path the caller gives (ddreport's DDCRASH_DAC_PATH, read by cli/config: a path of
// ours), else libmscordaccore.so in the directory of the runtime module (libcoreclr.so, or the
// single-file executable), in the target's view of the file system (RuntimeInfo::files), else,
// when there is none there and a DAC directory is given (DDCRASH_DAC_DIR, ours), the DAC filed
// there for the runtime:
//   <dir>/<runtime version>/<GNU build id of the DAC, lower-case hex>/libmscordaccore.so
// (tools/fill_dac_dir.sh fills it from NuGet runtime packs or runtime installs). A single-file
// runtime names its DAC's build id (DacModuleIndex): only that entry is tried; otherwise every
// entry of the version is, and the match rule below picks the one. Nothing here reads the
// environment.
// Trust rule first: the file and every directory above it are owned by root or by the user this
// process runs as, and writable by no one else (trusted_file.h); a DAC is code we run.
// Match rule, never guessed around:
//  - the runtime exports DotNetRuntimeInfo (single-file): the DAC's GNU build id must equal
//    DacModuleIndex;
//  - otherwise (libcoreclr.so exports no DotNetRuntimeInfo in .NET 8-10): the DAC's
//    "@(#)Version <file version> @Commit: <sha>" stamp must equal the runtime's, byte for byte
//    (the runtime's stamp is read from a file whose build id equals the mapped image's).
#ifndef DDCRASH_DAC_DAC_LOCATOR_H_
#define DDCRASH_DAC_DAC_LOCATOR_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "dac/runtime_info.h"

namespace ddcrash::dac {

inline constexpr char kDacFileName[] = "libmscordaccore.so";

struct DacLocation {
  std::string path;         // as named (in the target's view, or DDCRASH_DAC_PATH)
  std::string opened_path;  // the file checked, to load: openable by us, naming no link
  std::string build_id;  // raw
  std::string stamp;     // the DAC's "@(#)Version …" string, if any
  // How it was matched: "build id <hex> = DacModuleIndex" or "version stamp '<stamp>'".
  std::string match;
};

// Checks that the DAC at `dac_path` may be trusted and belongs to `runtime`. PermissionDenied
// saying why when it may not be trusted; FailedPrecondition naming both sides on a mismatch;
// NotFound when the file does not exist. `dac_path` is named in `files` (a target's view), or
// in ours.
absl::StatusOr<DacLocation> CheckDac(const RuntimeInfo& runtime, const std::string& dac_path,
                                     const TargetFiles& files);
absl::StatusOr<DacLocation> CheckDac(const RuntimeInfo& runtime, const std::string& dac_path);

// The default place of the DAC for `runtime` (beside the runtime module, in runtime.files).
std::string DefaultDacPath(const RuntimeInfo& runtime);

// The candidates for `runtime` in the DAC directory `dac_dir`, in the order tried (names only).
std::vector<std::string> DacDirCandidates(const RuntimeInfo& runtime, const std::string& dac_dir);

// `dac_path` (ours) if non-empty, else DefaultDacPath(runtime) in runtime.files, else (when that
// does not exist and `dac_dir` is not empty) the first of DacDirCandidates that CheckDac accepts;
// then CheckDac. With no match in the directory the error names what was tried.
absl::StatusOr<DacLocation> LocateDac(const RuntimeInfo& runtime, const std::string& dac_path,
                                      const std::string& dac_dir);

}  // namespace ddcrash::dac

#endif  // DDCRASH_DAC_DAC_LOCATOR_H_
