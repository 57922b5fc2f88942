// libFuzzer entry point for the createdump command-line parser: the bytes are an argv split
// at NULs, as /proc/PID/cmdline holds one.
#include <cstddef>
#include <cstdint>

#include "cli/createdump_args.h"
#include "ptrace/process_info.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)ddcrash::ParseCreatedumpArgs(ddcrash::SplitNulSeparated(
      absl::string_view(reinterpret_cast<const char*>(data), size)));
  return 0;
}
