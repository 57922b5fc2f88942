// libFuzzer entry point for the createdump command-line parser: the bytes are split at NULs
// into an argv.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cli/createdump_args.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> argv(1);
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == '\0') {
      argv.emplace_back();
    } else {
      argv.back().push_back(static_cast<char>(data[i]));
    }
  }
  (void)ddcrash::ParseCreatedumpArgs(argv);
  return 0;
}
