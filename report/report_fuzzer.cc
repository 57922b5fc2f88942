// libFuzzer entry point: `bazel build --config=fuzz //report:report_fuzzer`.
#include <cstddef>
#include <cstdint>

#include "report/report_fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ddcrash::ParseAndRenderUntrustedReport(
      absl::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
