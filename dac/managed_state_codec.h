// A compact binary form of ManagedState, for carrying the DAC stage's result from the child
// process that ran the DAC back to ddreport (isolated_dac.h). Decoding treats its input as
// untrusted: every length and count is checked; bad input is an error, never a crash.
#ifndef DDCRASH_DAC_MANAGED_STATE_CODEC_H_
#define DDCRASH_DAC_MANAGED_STATE_CODEC_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "dac/managed_state.h"

namespace ddcrash::dac {

std::string EncodeManagedState(const ManagedState& state);
absl::StatusOr<ManagedState> DecodeManagedState(std::string_view bytes);

}  // namespace ddcrash::dac

#endif  // DDCRASH_DAC_MANAGED_STATE_CODEC_H_
