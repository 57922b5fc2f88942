// libFuzzer entry point for report-directory names and report headers.
#include <cstddef>
#include <cstdint>

#include "report/storage/report_names_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)ddcrash::FuzzReportName(absl::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
