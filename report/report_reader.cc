#include "report/report_reader.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/stubs/logging.h"
#include "report/internal/wire_budget.h"
#include "report/schema.h"

namespace ddcrash {
namespace {

// Exception chains nest; garbage must not recurse deeply.
constexpr int kMaxNesting = 64;

void DiscardProtobufLog(google::protobuf::LogLevel, const char*, int, const std::string&) {}

absl::Status Validate(const Report& report) {
  if (report.schema_version() == 0) {
    return absl::InvalidArgumentError("not a ddcrash report (no schema version)");
  }
  if (report.schema_version() > kSchemaVersion) {
    return absl::FailedPreconditionError(
        absl::StrCat("report schema version ", report.schema_version(),
                     " is newer than this ddquery understands (", kSchemaVersion, ")"));
  }
  if (report.trigger() == TRIGGER_UNSPECIFIED || !Trigger_IsValid(report.trigger())) {
    return absl::InvalidArgumentError("not a ddcrash report (no trigger)");
  }
  // The builder always writes diagnostics, and field 9 is the last one on the wire: a file
  // cut anywhere before its end lacks it (a cut inside it fails to parse).
  if (!report.has_diagnostics() || report.diagnostics().reporter_version().empty()) {
    return absl::InvalidArgumentError("truncated report: the diagnostics section is missing");
  }
  if (report.process().pid() == 0) {
    return absl::InvalidArgumentError("corrupt report: no process id");
  }
  for (const Thread& thread : report.threads()) {
    for (int i = 0; i < thread.frames_size(); ++i) {
      const Frame& frame = thread.frames(i);
      if (frame.module_index() < -1 || frame.module_index() >= report.modules_size()) {
        return absl::InvalidArgumentError(
            absl::StrCat("corrupt report: thread ", thread.tid(), " frame ", i,
                         " refers to module ", frame.module_index(), " of ",
                         report.modules_size()));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Report> ParseReport(absl::string_view bytes) {
  if (bytes.empty()) return absl::InvalidArgumentError("empty file: not a ddcrash report");
  if (bytes.size() > kMaxReportBytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat("file of ", bytes.size(), " bytes exceeds the report size limit"));
  }
  absl::StatusOr<size_t> parsed_size =
      EstimateParsedSize(bytes, Report::descriptor(), kMaxParsedReportBytes, kMaxNesting);
  if (parsed_size.status().code() == absl::StatusCode::kResourceExhausted) {
    return absl::ResourceExhaustedError(
        absl::StrCat("report too large: ", parsed_size.status().message()));
  }
  if (!parsed_size.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("corrupt or truncated report: ", parsed_size.status().message()));
  }
  // Protobuf logs invalid UTF-8 and similar to stderr; the returned status says it instead.
  google::protobuf::SetLogHandler(&DiscardProtobufLog);
  google::protobuf::io::CodedInputStream input(reinterpret_cast<const uint8_t*>(bytes.data()),
                                               static_cast<int>(bytes.size()));
  input.SetRecursionLimit(kMaxNesting);
  Report report;
  if (!report.ParseFromCodedStream(&input) || !input.ConsumedEntireMessage()) {
    return absl::InvalidArgumentError("corrupt or truncated report: protobuf parsing failed");
  }
  absl::Status status = Validate(report);
  if (!status.ok()) return status;
  return report;
}

absl::StatusOr<Report> ReadReportFile(const std::string& path) {
  // O_NONBLOCK: opening a FIFO would otherwise wait for a writer. It changes nothing for the
  // regular files read below.
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    const int error = errno;
    return absl::Status(absl::ErrnoToStatusCode(error),
                        absl::StrCat("cannot open ", path, ": ", strerror(error)));
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return absl::InvalidArgumentError(absl::StrCat(path, " is not a regular file"));
  }
  if (static_cast<uint64_t>(st.st_size) > kMaxReportBytes) {
    close(fd);
    return absl::ResourceExhaustedError(
        absl::StrCat(path, ": ", st.st_size, " bytes exceeds the report size limit"));
  }
  std::string bytes(static_cast<size_t>(st.st_size), '\0');
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = read(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  close(fd);
  bytes.resize(done);
  absl::StatusOr<Report> report = ParseReport(bytes);
  if (!report.ok()) {
    return absl::Status(report.status().code(),
                        absl::StrCat(path, ": ", report.status().message()));
  }
  return report;
}

}  // namespace ddcrash
