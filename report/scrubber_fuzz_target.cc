#include "report/scrubber_fuzz_target.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "report/scrubber.h"

namespace ddcrash {

bool ScrubUntrustedBytes(absl::string_view bytes) {
  static const Scrubber* const scrubber = new Scrubber(*Scrubber::Create(""));
  const std::vector<std::string> entries = absl::StrSplit(bytes, absl::ByChar('\0'));
  (void)scrubber->ScrubEnvironment(entries);
  (void)scrubber->ScrubCommandLine(entries);
  constexpr absl::string_view kPlanted = "Zq9PlantedZq9";
  const std::string scrubbed =
      scrubber->ScrubText(absl::StrCat(bytes, " password=", kPlanted));
  return !absl::StrContains(scrubbed, kPlanted);
}

}  // namespace ddcrash
