// libFuzzer target: any bytes give metadata or an error; every method name, every method as
// a stack trace prints it, and the MVID answer or fail.
#include <cstddef>
#include <cstdint>

#include "metadata/metadata_reader.h"
#include "metadata/stack_trace_method.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view bytes(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<ddcrash::metadata::MetadataReader> reader =
      ddcrash::metadata::MetadataReader::Parse(bytes);
  if (!reader.ok()) return 0;
  (void)ddcrash::metadata::ModuleMvid(*reader);
  uint32_t rows = reader->RowCount(ddcrash::metadata::Table::kMethodDef);
  for (uint32_t row = 0; row <= rows + 1 && row < 4096; ++row) {
    (void)ddcrash::metadata::MethodDefName(*reader, 0x06000000 | row);
    (void)ddcrash::metadata::DescribeStackTraceMethod(*reader, 0x06000000 | row);
  }
  return 0;
}
