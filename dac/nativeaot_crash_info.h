// What a NativeAOT app leaves for a crash reporter at an unhandled exception or fail-fast
// (System.Private.CoreLib's RuntimeExceptionHelpers.FailFast and CrashInfo, .NET 8 and 10): before
// launching createdump it builds a Windows-style EXCEPTION_RECORD on the crashing thread's
// stack and passes its address as `--exception-record`. For a NativeAOT fail-fast the record
// says so (ExceptionCode STATUS_STACK_BUFFER_OVERRUN, ExceptionInformation[0]
// FAST_FAIL_EXCEPTION_DOTNET_AOT) and ExceptionInformation[1..3] hold the HRESULT and the address
// and length of a "triage" JSON the runtime wrote into a fixed buffer: the runtime version, the
// fail-fast message, and the exception's type, message, HRESULT, address, stack frame names and
// inner exceptions. Nothing else is findable without a DAC: NativeAOT has none, so a snapshot
// (`ddreport --pid`) or a native fault has no exception to report.
#ifndef DDCRASH_DAC_NATIVEAOT_CRASH_INFO_H_
#define DDCRASH_DAC_NATIVEAOT_CRASH_INFO_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "dac/managed_state.h"
#include "ptrace/process_memory.h"

namespace ddcrash::dac {

struct NativeAotCrashInfo {
  std::string runtime_version;  // as the runtime wrote it, e.g. "10.0.12+95017c7…"
  std::string message;          // the fail-fast message
  uint64_t thread = 0;          // the crashing OS thread
  bool has_exception = false;
  ManagedException exception;   // stack_trace: one "   at <frame>" line per recorded frame
};

// Most triage bytes read and parsed; the runtime's buffer is smaller.
inline constexpr uint64_t kMaxTriageSize = 256 * 1024;
// Most nested inner exceptions kept.
inline constexpr int kMaxTriageExceptionDepth = 8;

// Parses the triage JSON. InvalidArgument for anything that is not an object of that shape.
absl::StatusOr<NativeAotCrashInfo> ParseNativeAotTriage(std::string_view json);

// Reads the EXCEPTION_RECORD at `record` in the target, then the triage JSON it points to.
// NotFound when the record is not a NativeAOT fail-fast's or carries no triage buffer.
absl::StatusOr<NativeAotCrashInfo> ReadNativeAotCrashInfo(ProcessMemory& memory, uint64_t record);

}  // namespace ddcrash::dac

#endif  // DDCRASH_DAC_NATIVEAOT_CRASH_INFO_H_
