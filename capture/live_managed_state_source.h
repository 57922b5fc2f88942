// ManagedStateSource over a live (frozen) process: runtime discovery (dac::FindRuntime) and
// the DAC in its own child process (dac::CollectManagedStateIsolated).
#ifndef DDCRASH_CAPTURE_LIVE_MANAGED_STATE_SOURCE_H_
#define DDCRASH_CAPTURE_LIVE_MANAGED_STATE_SOURCE_H_

#include "capture/managed_state_source.h"

namespace ddcrash {

class LiveManagedStateSource : public ManagedStateSource {
 public:
  absl::StatusOr<FoundRuntime> FindRuntime(ProcessSnapshot& process) override;
  absl::StatusOr<dac::ManagedState> Collect(ProcessSnapshot& process,
                                            const ManagedStateRequest& request) override;
};

}  // namespace ddcrash

#endif  // DDCRASH_CAPTURE_LIVE_MANAGED_STATE_SOURCE_H_
