// Source file, line and column of managed frames, from each module's portable PDB
// (pdb/pdb_locator.h: embedded, or beside the assembly and matching its id). The assembly and
// the PDB are the target user's files, untrusted: ddreport runs this in the DAC process, which
// already runs with the target owner's credentials and can gain none (dac_confinement.h), and
// the readers are bounded and fuzzed. Each module is read once (its PDB parsed once) however
// many frames run its code; a module whose PDB is missing, rebuilt or corrupt gets no lines,
// never a guess, and one line saying why (ManagedModule::pdb_problem).
#ifndef DDCRASH_DAC_SOURCE_LINES_H_
#define DDCRASH_DAC_SOURCE_LINES_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "dac/managed_state.h"
#include "pdb/pdb_locator.h"
#include "pdb/portable_pdb.h"

namespace ddcrash::dac {

class SourceLineAnnotator {
 public:
  // Modules first met after `deadline` are not read (no lines, their pdb_problem says so): the
  // DAC stage's budget covers its managed frames first, and those must not be lost to it.
  // `files`: how the target's assemblies and PDBs are reached (pdb_locator.h).
  explicit SourceLineAnnotator(absl::Time deadline = absl::InfiniteFuture(),
                               pdb::AssemblyFiles files = {})
      : deadline_(deadline), locator_(std::move(files)) {}

  // Gives every managed-method frame of `frames` that has an IL offset in a method with a
  // (non-hidden) sequence point at or before it that source file, line and column (a text of
  // its own, shared by the frames of the same text), the way the runtime's own stack trace
  // picks the line (pdb::PortablePdb::Lookup). Prolog, epilog and unmapped offsets get no
  // line, as in the runtime's trace.
  void Annotate(std::vector<ManagedFrame>& frames);

  // Identifies the assembly at `path` (and looks for its PDB) without any frame of it.
  void AddModule(const std::string& path);

  // Every module given to Annotate (by a frame) or AddModule, in the order first seen.
  const std::vector<ManagedModule>& modules() const { return modules_; }

 private:
  struct Module {
    size_t index;  // into modules_
    const pdb::LocatedPdb* located;
    // Lookup's answer per (method token, IL offset): a thousand threads parked in the same
    // methods decode each method's sequence points once, not once per frame.
    std::map<std::pair<uint32_t, uint32_t>, absl::StatusOr<std::optional<pdb::SourceLocation>>>
        lookups;
  };
  Module& ModuleOf(const std::string& path);
  // `text` with its source line, or `text` itself when it has none.
  std::shared_ptr<const FrameText> Annotated(Module& module,
                                             const std::shared_ptr<const FrameText>& text);

  // Each frame text met, with its annotated form (looked up once: frames share texts). The
  // original is held so that its address, the key, is not reused meanwhile.
  struct AnnotatedText {
    std::shared_ptr<const FrameText> original;
    std::shared_ptr<const FrameText> annotated;
  };
  absl::flat_hash_map<const FrameText*, AnnotatedText> annotated_;

  absl::Time deadline_;
  const pdb::LocatedPdb not_read_;  // what a module met after the deadline has: no PDB
  pdb::PdbLocator locator_;
  std::map<std::string, Module> by_path_;
  std::vector<ManagedModule> modules_;
};

// Annotates every frame of `state` (each thread's, those recorded in each thread's exception
// and the exceptions it holds, and named_code) and sets state->modules:
// the frames' modules, then the other `assemblies` (paths of the assemblies mapped in the
// process), so that every managed module of the report is identified. Past `deadline` no more
// module is read; state->errors then says how many of `assemblies` went unread. `files` says
// how the target's files are reached: through its view, and those a single-file app bundles
// from their ranges of its executable.
void AddSourceLines(ManagedState* state, const std::vector<std::string>& assemblies = {},
                    absl::Time deadline = absl::InfiniteFuture(), pdb::AssemblyFiles files = {});

}  // namespace ddcrash::dac

#endif  // DDCRASH_DAC_SOURCE_LINES_H_
