// libFuzzer entry point for the HTTP response head parser: the bytes a symbol server sends
// before the empty line.
#include <cstddef>
#include <cstdint>

#include "symbolize/http_response.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)ddcrash::ParseHttpResponseHead(absl::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
