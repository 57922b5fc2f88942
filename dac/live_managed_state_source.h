// ManagedStateSource over a live (frozen) process: runtime discovery (FindRuntime) and the
// DAC in its own child process (CollectManagedStateIsolated).
#ifndef DDCRASH_DAC_LIVE_MANAGED_STATE_SOURCE_H_
#define DDCRASH_DAC_LIVE_MANAGED_STATE_SOURCE_H_

#include "dac/managed_state_source.h"

namespace ddcrash::dac {

class LiveManagedStateSource : public ManagedStateSource {
 public:
  absl::StatusOr<FoundRuntime> FindRuntime(ProcessSnapshot& process) override;
  absl::StatusOr<ManagedState> Collect(ProcessSnapshot& process,
                                            const ManagedStateRequest& request) override;
};

}  // namespace ddcrash::dac

#endif  // DDCRASH_DAC_LIVE_MANAGED_STATE_SOURCE_H_
