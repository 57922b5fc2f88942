// A crash as an OpenTelemetry log record in OTLP/JSON: one LogsData object on one line, the
// file format of the Collector's otlpjsonfile receiver (and of its file exporter). Attribute
// names follow the semantic conventions: resource service.name, host.name, process.pid,
// process.executable.path, process.runtime.name/version; record exception.type,
// exception.message, exception.stacktrace, thread.id; plus ddcrash.* for the signal, the
// fingerprint and the report's path. The record is bounded: a long stack is cut with a marker
// (the full report stays on disk at ddcrash.report.path).
#ifndef DDCRASH_OTLP_OTLP_LOG_H_
#define DDCRASH_OTLP_OTLP_LOG_H_

#include <string>

#include "absl/time/time.h"
#include "report/report.pb.h"

namespace ddcrash {

// Bounds of the text values (bytes, before JSON escaping): the stack trace, and every other
// text (message, type, body, paths, names).
inline constexpr size_t kMaxOtlpStacktraceBytes = 32 << 10;
inline constexpr size_t kMaxOtlpMessageBytes = 4 << 10;

struct OtlpLogOptions {
  std::string report_path;
  // The instrumentation scope's version: the ddcrash version.
  std::string scope_version;
  // observedTimeUnixNano: when the record was made.
  absl::Time observed;
};

// The LogsData JSON of `report`, ending in "\n".
std::string ReportToOtlpJsonLine(const Report& report, const OtlpLogOptions& options);

}  // namespace ddcrash

#endif  // DDCRASH_OTLP_OTLP_LOG_H_
