// libFuzzer target for ParseMaps: any input must give mappings or an error, and mappings
// must satisfy what the parser promises.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/strings/string_view.h"
#include "ptrace/maps.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<std::vector<ddcrash::Mapping>> maps = ddcrash::ParseMaps(text);
  if (!maps.ok()) return 0;
  uint64_t previous_end = 0;
  for (const ddcrash::Mapping& m : *maps) {
    if (m.start >= m.end || m.start < previous_end) abort();
    previous_end = m.end;
  }
  return 0;
}
