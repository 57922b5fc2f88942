// Finding and opening the portable PDB of an assembly, from its debug directory:
//   1. the embedded PDB (debug entry type 17), if the assembly carries one;
//   2. else the file beside the assembly named by the FILE NAME of the CodeView record's path
//      (what `dotnet publish` produces). The record's absolute path is the build machine's and
//      is never opened: on the crash box it names nothing, or something else.
// Either is accepted only when its PDB id equals the one the CodeView record expects (GUID
// and stamp), so a rebuilt PDB never gives wrong lines. An embedded PDB in an assembly without
// a CodeView record is accepted (it cannot be stale: it is part of the same file).
// A single-file app's assemblies and PDBs are files bundled in its executable, named as the
// runtime names them (the executable's directory joined with the bundled path); each name in
// the BundledFiles given is read from its range of the executable, before any file on disk.
#ifndef DDCRASH_PDB_PDB_LOCATOR_H_
#define DDCRASH_PDB_PDB_LOCATOR_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "binary/file.h"
#include "absl/status/statusor.h"
#include "metadata/metadata_reader.h"
#include "pdb/portable_pdb.h"

namespace ddcrash::pdb {

enum class PdbOrigin {
  kNone,
  kEmbedded,
  kBesideAssembly,  // beside it on disk, or bundled beside it in a single-file app
};

const char* PdbOriginName(PdbOrigin origin);  // "none", "embedded", "beside-assembly"

// An assembly or PDB a single-file app bundles, by the name the runtime gives it: its range of
// the executable, whose path is one we can open.
using BundledFiles = std::map<std::string, binary::FileRange>;

// How the target's assemblies and PDBs are reached.
struct AssemblyFiles {
  BundledFiles bundled;
  // A path we can open for a path the target names (ptrace/target_files.h's Openable, for a
  // target in another mount namespace); null: the path itself.
  std::function<absl::StatusOr<std::string>(const std::string& path)> openable;
};

struct LocatedPdb {
  // OK when `pdb` is set. Otherwise why there is none, saying where it looked:
  //   NotFound           no PDB (no CodeView record, no embedded PDB, no file beside);
  //   FailedPrecondition a PDB whose id is not the one the assembly expects (rebuilt);
  //   DataLoss           a corrupt PDB, or an assembly that cannot be read.
  absl::Status status;
  std::shared_ptr<const PortablePdb> pdb;
  PdbOrigin origin = PdbOrigin::kNone;
  std::string pdb_path;  // the file read or looked for (as named); empty for an embedded PDB
  // What a report carries so it can be resolved elsewhere (when the assembly could be read).
  std::optional<metadata::Guid> mvid;
  std::optional<PdbId> expected_pdb_id;  // from the CodeView record
  std::string codeview_path;             // the path the CodeView record holds, as written
};

// Uncached: reads `assembly_path` and its PDB now.
LocatedPdb LocatePdb(const std::string& assembly_path, const AssemblyFiles& files = {});

// LocatePdb with one result per assembly path, kept for the locator's lifetime.
class PdbLocator {
 public:
  explicit PdbLocator(AssemblyFiles files = {}) : files_(std::move(files)) {}
  const LocatedPdb& Locate(const std::string& assembly_path);

 private:
  AssemblyFiles files_;
  std::map<std::string, std::unique_ptr<const LocatedPdb>> cache_;
};

}  // namespace ddcrash::pdb

#endif  // DDCRASH_PDB_PDB_LOCATOR_H_
