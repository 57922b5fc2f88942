// libFuzzer target: any bytes give metadata or an error; every method name, every method as
// a stack trace prints it, and the MVID answer or fail; the MVID read by ranges is the one
// the whole metadata gives whenever that one is found.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "metadata/metadata_reader.h"
#include "metadata/stack_trace_method.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view bytes(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<ddcrash::metadata::MetadataReader> reader =
      ddcrash::metadata::MetadataReader::Parse(bytes);
  absl::StatusOr<ddcrash::metadata::Guid> by_ranges = ddcrash::metadata::ReadModuleMvid(
      static_cast<uint32_t>(size),
      [&](uint32_t offset, uint32_t n) -> absl::StatusOr<std::string> {
        if (uint64_t{offset} + n > size) abort();  // ReadModuleMvid checks its ranges
        return std::string(bytes.substr(offset, n));
      });
  if (!reader.ok()) return 0;
  absl::StatusOr<ddcrash::metadata::Guid> mvid = ddcrash::metadata::ModuleMvid(*reader);
  if (mvid.ok() && (!by_ranges.ok() || *by_ranges != *mvid)) abort();
  uint32_t rows = reader->RowCount(ddcrash::metadata::Table::kMethodDef);
  for (uint32_t row = 0; row <= rows + 1 && row < 4096; ++row) {
    (void)ddcrash::metadata::MethodDefName(*reader, 0x06000000 | row);
    (void)ddcrash::metadata::DescribeStackTraceMethod(*reader, 0x06000000 | row);
  }
  return 0;
}
