#include "otlp/otlp_log.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "json/json_string.h"
#include "report/basename.h"
#include "report/crashing_thread.h"
#include "report/fingerprint.h"
#include "report/text_renderer.h"
#include "triage/crash_line.h"

namespace ddcrash {
namespace {

// OTLP SeverityNumber values.
constexpr int kSeverityInfo = 9;
constexpr int kSeverityFatal = 21;

// Cut at `limit` bytes without splitting a UTF-8 sequence.
std::string Bounded(absl::string_view text, size_t limit) {
  if (text.size() <= limit) return std::string(text);
  size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xc0) == 0x80) --end;
  return absl::StrCat(text.substr(0, end), "... (cut)");
}

class Attributes {
 public:
  // Every text value is bounded, by default at kMaxOtlpMessageBytes.
  void String(absl::string_view key, absl::string_view value, size_t limit = kMaxOtlpMessageBytes) {
    Open(key);
    absl::StrAppend(&json_, "{\"stringValue\":");
    AppendJsonString(Bounded(value, limit), &json_);
    json_.append("}}");
  }
  // OTLP/JSON writes 64-bit integers as decimal strings.
  void Int(absl::string_view key, int64_t value) {
    Open(key);
    absl::StrAppend(&json_, "{\"intValue\":\"", value, "\"}}");
  }
  std::string Take() { return absl::StrCat("[", json_, "]"); }

 private:
  void Open(absl::string_view key) {
    if (!json_.empty()) json_.push_back(',');
    json_.append("{\"key\":");
    AppendJsonString(key, &json_);
    json_.append(",\"value\":");
  }
  std::string json_;
};

// The service as the process named itself (OTEL_SERVICE_NAME in its environment), else the
// semantic conventions' default for an unknown service.
std::string ServiceName(const Report& report) {
  for (const std::string& variable : report.process().environment()) {
    if (absl::StartsWith(variable, "OTEL_SERVICE_NAME=") && variable.size() > 18) {
      return variable.substr(18);
    }
  }
  return absl::StrCat("unknown_service:", Basename(report.process().exe()));
}

// The crash cause, then "   at <frame>" per frame of the crashing thread, as .NET prints a
// stack trace, cut with a marker past kMaxOtlpStacktraceBytes.
std::string StackTrace(const Report& report, const std::string& report_path) {
  std::string trace = Printable(CrashCause(report));
  const Thread* thread = CrashingThread(report);
  if (thread == nullptr) return trace;
  for (int i = 0; i < thread->frames_size(); ++i) {
    const std::string line = absl::StrCat("\n   at ", FrameLabel(report, thread->frames(i)));
    if (trace.size() + line.size() > kMaxOtlpStacktraceBytes) {
      absl::StrAppend(&trace, "\n   ... ", thread->frames_size() - i,
                      " more frames in the full report: ", Printable(report_path));
      break;
    }
    trace.append(line);
  }
  return trace;
}

}  // namespace

std::string ReportToOtlpJsonLine(const Report& report, const OtlpLogOptions& options) {
  const Process& process = report.process();
  Attributes resource;
  resource.String("service.name", ServiceName(report));
  if (!process.hostname().empty()) resource.String("host.name", process.hostname());
  resource.Int("process.pid", process.pid());
  if (!process.exe().empty()) resource.String("process.executable.path", process.exe());
  const RuntimeFlavor flavor = process.runtime().flavor();
  if (flavor == RUNTIME_FLAVOR_CORECLR || flavor == RUNTIME_FLAVOR_CORECLR_SINGLE_FILE) {
    resource.String("process.runtime.name", ".NET");
    if (!process.runtime().version().empty()) {
      resource.String("process.runtime.version", process.runtime().version());
    }
  }

  Attributes record;
  const Exception& exception = report.exception();
  const Signal& signal = report.signal();
  const bool is_exception = !exception.type().empty();
  // A snapshot of a live process has neither: no exception.* then.
  if (is_exception || signal.number() != 0) {
    record.String("exception.type", is_exception ? exception.type() : signal.name());
    record.String("exception.message", is_exception ? exception.message() : CrashCause(report));
    // StackTrace cuts at a frame boundary itself; the limit only leaves room for its marker.
    record.String("exception.stacktrace", StackTrace(report, options.report_path),
                  2 * kMaxOtlpStacktraceBytes);
  }
  if (const Thread* thread = CrashingThread(report)) {
    record.Int("thread.id", thread->tid());
    if (!thread->name().empty()) record.String("thread.name", thread->name());
  }
  if (signal.number() != 0) {
    record.String("ddcrash.signal.name", signal.name());
    record.Int("ddcrash.signal.number", signal.number());
    if (!signal.code_name().empty()) record.String("ddcrash.signal.code", signal.code_name());
  }
  record.String("ddcrash.fingerprint", CrashFingerprint(report));
  record.String("ddcrash.report.path", options.report_path);
  record.String("ddcrash.trigger", report.trigger() == TRIGGER_SNAPSHOT ? "snapshot" : "crash");

  const bool crash = report.trigger() != TRIGGER_SNAPSHOT;
  std::string body;
  AppendJsonString(Bounded(CrashLine(report), kMaxOtlpMessageBytes), &body);
  std::string line = absl::StrCat(
      "{\"resourceLogs\":[{\"resource\":{\"attributes\":", resource.Take(),
      "},\"scopeLogs\":[{\"scope\":{\"name\":\"ddcrash\",\"version\":", JsonString(options.scope_version),
      "},\"logRecords\":[{\"timeUnixNano\":\"", report.diagnostics().start_time_unix_nanos(),
      "\",\"observedTimeUnixNano\":\"", absl::ToUnixNanos(options.observed),
      "\",\"severityNumber\":", crash ? kSeverityFatal : kSeverityInfo, ",\"severityText\":\"",
      crash ? "FATAL" : "INFO", "\",\"body\":{\"stringValue\":", body,
      "},\"attributes\":", record.Take(), "}]}]}]}\n");
  return line;
}

}  // namespace ddcrash
