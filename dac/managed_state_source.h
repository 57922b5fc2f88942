// What the capture pipeline (capture/) needs from the .NET side: which runtime the process
// hosts, and the DAC's view of it (managed frames, threads, exceptions). The live
// implementation is LiveManagedStateSource; capture/'s tests give their own.
#ifndef DDCRASH_DAC_MANAGED_STATE_SOURCE_H_
#define DDCRASH_DAC_MANAGED_STATE_SOURCE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "dac/managed_state.h"
#include "ptrace/process_snapshot.h"

namespace ddcrash::dac {

struct FoundRuntime {
  // The runtime is embedded in the executable (a single-file app), not libcoreclr.so.
  bool single_file = false;
  std::string path;     // the module holding it
  std::string version;  // "8.0.11"
  // A NativeAOT app: managed code compiled into `path`, no DAC to ask (version unknown).
  bool native_aot = false;
};

struct ManagedStateRequest {
  // The most the source may take; it must give up (and say so) when it runs out.
  absl::Duration timeout;
  // A DAC to use instead of the one beside the runtime (DDCRASH_DAC_PATH); empty for that one.
  std::string dac_path;
  // A directory of DACs by runtime version and build id (DDCRASH_DAC_DIR); empty for none.
  std::string dac_dir;
  int max_frames = 1024;
  // Return addresses in code the native walk could not name, to be looked up as managed
  // methods (ManagedState::named_code).
  std::vector<uint64_t> code_addresses_to_name;
};

class ManagedStateSource {
 public:
  virtual ~ManagedStateSource() = default;

  // NotFound when the process hosts no .NET runtime; any other error says why the runtime
  // could not be identified.
  virtual absl::StatusOr<FoundRuntime> FindRuntime(ProcessSnapshot& process) = 0;

  // The DAC's view of `process` (whose runtime FindRuntime found). Fails when nothing came
  // back: the DAC could not be loaded, crashed, or ran out of time.
  virtual absl::StatusOr<ManagedState> Collect(ProcessSnapshot& process,
                                                    const ManagedStateRequest& request) = 0;
};

}  // namespace ddcrash::dac

#endif  // DDCRASH_DAC_MANAGED_STATE_SOURCE_H_
