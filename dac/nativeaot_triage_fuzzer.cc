// libFuzzer entry point for the NativeAOT triage JSON parser: the bytes are the triage buffer as
// read from the target.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "dac/nativeaot_crash_info.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)ddcrash::dac::ParseNativeAotTriage(
      std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
