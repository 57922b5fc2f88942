// libFuzzer entry point: `bazel build --config=fuzz //report:scrubber_fuzzer`.
#include <cstddef>
#include <cstdint>

#include "report/scrubber_fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (!ddcrash::ScrubUntrustedBytes(
          absl::string_view(reinterpret_cast<const char*>(data), size))) {
    __builtin_trap();  // a planted secret got through
  }
  return 0;
}
