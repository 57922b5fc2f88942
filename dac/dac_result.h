// The DAC process's answer as bytes (a DacResult message, dac_result.proto): the managed
// state it collected, or the status that stopped it. isolated_dac.cc writes it in the child
// and reads it in ddreport. Reading treats the bytes as untrusted: malformed or inconsistent
// input is an error, never a crash.
#ifndef DDCRASH_DAC_DAC_RESULT_H_
#define DDCRASH_DAC_DAC_RESULT_H_

#include <string>

#include "absl/status/statusor.h"
#include "dac/managed_state.h"

namespace ddcrash::dac {

// Inner exceptions nest at most this deep on the wire; deeper ones are cut (writing) or
// refused (reading).
inline constexpr int kMaxWireExceptionDepth = 32;

// The result as bytes (a DacResult message); `result` is consumed as it is converted.
std::string SerializeDacResult(absl::StatusOr<ManagedState> result);

// What the DAC process writes to its pipe: the size of the serialized result (8 bytes, native
// order: both ends are one binary), then the result, streamed (no copy of it is held), `result`
// consumed as it is converted. False when the pipe refused it.
bool WriteDacResult(int fd, absl::StatusOr<ManagedState> result);

// The status the child sent, or its state. DataLoss when `bytes` are not a valid result.
absl::StatusOr<ManagedState> ParseDacResult(std::string bytes);

}  // namespace ddcrash::dac

#endif  // DDCRASH_DAC_DAC_RESULT_H_
