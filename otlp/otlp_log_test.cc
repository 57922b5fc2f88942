#include "otlp/otlp_log.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "report/fingerprint.h"
#include "report/testing/sample_report.h"

namespace ddcrash {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

OtlpLogOptions Options() {
  OtlpLogOptions options;
  options.report_path = "/tmp/ddcrash-0/ddcrash.App.4242.1764000000.pb";
  options.scope_version = "0.1.0";
  options.observed = absl::FromUnixSeconds(1764000100);
  return options;
}

Struct Parse(const std::string& line) {
  Struct parsed;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(line, &parsed).ok()) << line;
  return parsed;
}

// key -> value object of an OTLP attribute list.
std::map<std::string, Struct> AttributeMap(const Value& list) {
  std::map<std::string, Struct> map;
  for (const Value& entry : list.list_value().values()) {
    const auto& fields = entry.struct_value().fields();
    map[fields.at("key").string_value()] = fields.at("value").struct_value();
  }
  return map;
}

const Struct& Record(const Struct& data) {
  return data.fields().at("resourceLogs").list_value().values(0).struct_value().fields()
      .at("scopeLogs").list_value().values(0).struct_value().fields()
      .at("logRecords").list_value().values(0).struct_value();
}

TEST(OtlpLogTest, OneLineWithSemanticConventionAttributes) {
  const Report report = SampleCrashReport();
  const std::string line = ReportToOtlpJsonLine(report, Options());
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);
  const Struct data = Parse(line);
  const auto& resource_logs = data.fields().at("resourceLogs").list_value().values(0).struct_value();
  auto resource = AttributeMap(resource_logs.fields().at("resource").struct_value().fields().at("attributes"));
  EXPECT_EQ(resource["service.name"].fields().at("stringValue").string_value(), "unknown_service:App");
  EXPECT_EQ(resource["host.name"].fields().at("stringValue").string_value(), "build-host");
  EXPECT_EQ(resource["process.pid"].fields().at("intValue").string_value(), "4242");
  EXPECT_EQ(resource["process.executable.path"].fields().at("stringValue").string_value(), "/app/App");
  EXPECT_EQ(resource["process.runtime.name"].fields().at("stringValue").string_value(), ".NET");
  EXPECT_EQ(resource["process.runtime.version"].fields().at("stringValue").string_value(), "8.0.11");

  const Struct& record = Record(data);
  EXPECT_EQ(record.fields().at("severityNumber").number_value(), 21);
  EXPECT_EQ(record.fields().at("severityText").string_value(), "FATAL");
  EXPECT_EQ(record.fields().at("timeUnixNano").string_value(),
            absl::StrCat(report.diagnostics().start_time_unix_nanos()));
  EXPECT_EQ(record.fields().at("observedTimeUnixNano").string_value(), "1764000100000000000");
  EXPECT_NE(record.fields().at("body").struct_value().fields().at("stringValue").string_value().find(
                "System.InvalidOperationException: ddcrash test: worker thread at"),
            std::string::npos);
  auto attributes = AttributeMap(record.fields().at("attributes"));
  EXPECT_EQ(attributes["exception.type"].fields().at("stringValue").string_value(),
            "System.InvalidOperationException");
  EXPECT_EQ(attributes["exception.message"].fields().at("stringValue").string_value(),
            "ddcrash test: worker thread");
  const std::string stack = attributes["exception.stacktrace"].fields().at("stringValue").string_value();
  EXPECT_EQ(stack.rfind("System.InvalidOperationException: ddcrash test: worker thread\n   at libc.so.6!"
                        "__pthread_kill_implementation+0x11c\n", 0), 0u) << stack;
  EXPECT_NE(stack.find("   at Ddcrash.TestApp.Crasher.Fail() (App.dll IL_0012)"), std::string::npos) << stack;
  EXPECT_EQ(attributes["thread.id"].fields().at("intValue").string_value(), "4243");
  EXPECT_EQ(attributes["ddcrash.signal.name"].fields().at("stringValue").string_value(), "SIGABRT");
  EXPECT_EQ(attributes["ddcrash.signal.number"].fields().at("intValue").string_value(), "6");
  EXPECT_EQ(attributes["ddcrash.fingerprint"].fields().at("stringValue").string_value(),
            CrashFingerprint(report));
  EXPECT_EQ(attributes["ddcrash.report.path"].fields().at("stringValue").string_value(),
            Options().report_path);
}

TEST(OtlpLogTest, ServiceNameFromTheProcessEnvironment) {
  Report report = SampleCrashReport();
  report.mutable_process()->add_environment("OTEL_SERVICE_NAME=checkout");
  auto resource = AttributeMap(Parse(ReportToOtlpJsonLine(report, Options()))
                                   .fields().at("resourceLogs").list_value().values(0).struct_value()
                                   .fields().at("resource").struct_value().fields().at("attributes"));
  EXPECT_EQ(resource["service.name"].fields().at("stringValue").string_value(), "checkout");
}

TEST(OtlpLogTest, SignalWithoutExceptionAndSnapshot) {
  Report report = SampleCrashReport();
  report.clear_exception();
  auto attributes = AttributeMap(Record(Parse(ReportToOtlpJsonLine(report, Options()))).fields().at("attributes"));
  EXPECT_EQ(attributes["exception.type"].fields().at("stringValue").string_value(), "SIGABRT");
  EXPECT_EQ(attributes["exception.message"].fields().at("stringValue").string_value(),
            "SIGABRT (SI_TKILL)");

  report.clear_signal();
  report.set_trigger(TRIGGER_SNAPSHOT);
  const Struct data = Parse(ReportToOtlpJsonLine(report, Options()));
  EXPECT_EQ(Record(data).fields().at("severityText").string_value(), "INFO");
  attributes = AttributeMap(Record(data).fields().at("attributes"));
  EXPECT_EQ(attributes.count("exception.type"), 0u);
  EXPECT_EQ(attributes.count("ddcrash.signal.name"), 0u);
  EXPECT_EQ(attributes["ddcrash.trigger"].fields().at("stringValue").string_value(), "snapshot");
}

TEST(OtlpLogTest, BoundedWithAMarkerAndSafeText) {
  Report report = SampleCrashReport();
  report.mutable_exception()->set_message(std::string(100000, 'm') + "\x1b\xff");
  report.mutable_exception()->set_type(std::string(10000, 'T'));
  Thread* thread = report.mutable_threads(1);
  for (int i = 0; i < 20000; ++i) {
    Frame* frame = thread->add_frames();
    frame->set_function(absl::StrCat("Deep::Recursion", i, "(\"quoted\")"));
    frame->set_kind(FRAME_KIND_NATIVE);
  }
  const std::string line = ReportToOtlpJsonLine(report, Options());
  EXPECT_LT(line.size(), 64u << 10);
  auto attributes = AttributeMap(Record(Parse(line)).fields().at("attributes"));
  const std::string stack = attributes["exception.stacktrace"].fields().at("stringValue").string_value();
  EXPECT_LE(stack.size(), kMaxOtlpStacktraceBytes + 200);
  EXPECT_NE(stack.find(" more frames in the full report: /tmp/ddcrash-0/ddcrash.App.4242.1764000000.pb"),
            std::string::npos) << stack.substr(stack.size() - 300);
  const std::string message = attributes["exception.message"].fields().at("stringValue").string_value();
  EXPECT_EQ(message, std::string(kMaxOtlpMessageBytes, 'm') + "... (cut)");
  EXPECT_EQ(attributes["exception.type"].fields().at("stringValue").string_value(),
            std::string(kMaxOtlpMessageBytes, 'T') + "... (cut)");
}

}  // namespace
}  // namespace ddcrash
