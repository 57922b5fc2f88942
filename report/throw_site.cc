#include "report/throw_site.h"

#include "absl/strings/match.h"

namespace ddcrash {

bool IsFrameworkAssembly(absl::string_view module_path) {
  absl::string_view name = module_path.substr(module_path.rfind('/') + 1);
  return absl::StartsWith(name, "System.") || absl::StartsWith(name, "Microsoft.") ||
         name == "mscorlib.dll" || name == "netstandard.dll";
}

const Frame* ThrowSite(const Exception& exception) {
  for (const Frame& frame : exception.frames()) {
    if (!IsFrameworkAssembly(frame.managed().module_path())) return &frame;
  }
  return exception.frames_size() > 0 ? &exception.frames(0) : nullptr;
}

}  // namespace ddcrash
