// libFuzzer target for ParseStatusCredentials: any input gives credentials or an error, and
// the groups are sorted, unique and bounded as promised.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "absl/strings/string_view.h"
#include "ptrace/process_credentials.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<ddcrash::ProcessCredentials> credentials = ddcrash::ParseStatusCredentials(text);
  if (!credentials.ok()) return 0;
  const std::vector<gid_t>& groups = credentials->groups;
  if (groups.size() > ddcrash::kMaxSupplementaryGroups) abort();
  for (size_t i = 1; i < groups.size(); ++i) {
    if (groups[i - 1] >= groups[i]) abort();
  }
  return 0;
}
