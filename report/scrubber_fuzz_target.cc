#include "report/scrubber_fuzz_target.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "report/scrubber.h"

namespace ddcrash {
namespace {

size_t Occurrences(absl::string_view text, absl::string_view what) {
  size_t count = 0;
  for (size_t at = text.find(what); at != absl::string_view::npos; at = text.find(what, at + 1)) {
    ++count;
  }
  return count;
}

}  // namespace

bool ScrubUntrustedBytes(absl::string_view bytes) {
  static const Scrubber* const scrubber = new Scrubber(*Scrubber::Create(""));
  const std::vector<std::string> entries = absl::StrSplit(bytes, absl::ByChar('\0'));
  (void)scrubber->ScrubEnvironment(entries);
  (void)scrubber->ScrubCommandLine(entries);
  constexpr absl::string_view kPlanted = "Zq9PlantedZq9";
  const std::string scrubbed =
      scrubber->ScrubText(absl::StrCat(bytes, " password=", kPlanted));
  // The bytes may hold the planted text themselves (the fuzzer finds it); those copies may
  // stay, the planted one may not.
  return Occurrences(scrubbed, kPlanted) <= Occurrences(bytes, kPlanted);
}

}  // namespace ddcrash
