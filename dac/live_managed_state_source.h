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
  // loads the DAC while the walk runs (IsolatedDac). Collect then finishes that process when
  // its request asks for the same DAC and frame limit, and starts its own otherwise.
  void StartEarly(ProcessSnapshot& process, const std::string& dac_path, int max_frames);

 private:
  std::unique_ptr<IsolatedDac> early_;
  std::string early_dac_path_;
  int early_max_frames_ = 0;
};

}  // namespace ddcrash::dac

#endif  // DDCRASH_DAC_LIVE_MANAGED_STATE_SOURCE_H_
