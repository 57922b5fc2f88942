// ManagedStateSource over a live (frozen) process: runtime discovery (FindRuntime) and the
// DAC in its own child process (IsolatedDac), started early when asked.
#ifndef DDCRASH_DAC_LIVE_MANAGED_STATE_SOURCE_H_
#define DDCRASH_DAC_LIVE_MANAGED_STATE_SOURCE_H_

#include <memory>
#include <string>

#include "dac/isolated_dac.h"
#include "dac/managed_state_source.h"

namespace ddcrash::dac {

class LiveManagedStateSource : public ManagedStateSource {
 public:
  absl::StatusOr<FoundRuntime> FindRuntime(ProcessSnapshot& process) override;
  absl::StatusOr<ManagedState> Collect(ProcessSnapshot& process,
                                            const ManagedStateRequest& request) override;

  // Starts the DAC process now, before the native walk, if `process` hosts a runtime: it
  // loads the DAC that `choice` picks (dac_path, dac_dir, max_frames; its timeout and
  // addresses are Collect's) and walks the managed stacks while the walk runs (IsolatedDac).
  // Collect then finishes that process when its request picks the same, and starts its own
  // otherwise.
  void StartEarly(ProcessSnapshot& process, const ManagedStateRequest& choice);

 private:
  std::unique_ptr<IsolatedDac> early_;
  ManagedStateRequest early_choice_;
};

}  // namespace ddcrash::dac

#endif  // DDCRASH_DAC_LIVE_MANAGED_STATE_SOURCE_H_
