// libFuzzer entry point for the single-file bundle manifest reader: the bytes are an
// executable (the placeholder and the manifest anywhere in it).
#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "bundle/bundle_manifest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)ddcrash::bundle::ParseBundle(
      absl::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
