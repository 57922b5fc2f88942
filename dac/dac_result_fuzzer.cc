// libFuzzer entry point for the DAC result reader: the bytes are what the DAC process sent
// over its pipe (it ran the DAC over memory of a process that may be corrupt).
#include <cstddef>
#include <cstdint>
#include <string>

#include "dac/dac_result.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)ddcrash::dac::ParseDacResult(std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
