// Writes reports of every shape the OTLP export must handle into DIR: a .NET crash with an
// exception (report/testing's sample), a native SIGSEGV without one, and a crash with a very
// deep stack and hostile text (quotes, control characters, non-ASCII) in every field.
#include <stdio.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "report/report_writer.h"
#include "report/testing/sample_report.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: write_sample_reports DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  using ddcrash::Report;
  Report dotnet = ddcrash::SampleCrashReport();
  dotnet.mutable_process()->add_environment("OTEL_SERVICE_NAME=checkout");

  Report native = ddcrash::SampleCrashReport();
  native.clear_exception();
  native.mutable_process()->mutable_runtime()->Clear();
  native.mutable_signal()->set_number(11);
  native.mutable_signal()->set_name("SIGSEGV");
  native.mutable_signal()->set_code_name("SEGV_MAPERR");

  Report hostile = ddcrash::SampleCrashReport();
  const std::string text = "\"quoted\" \\ back\x1b[31m tab\t nl\n caf\xc3\xa9 \xe2\x9c\x93 \x7f";
  hostile.mutable_exception()->set_type("Evil" + text);
  hostile.mutable_exception()->set_message(std::string(50000, 'x') + text);
  hostile.mutable_process()->set_hostname("host" + text);
  hostile.mutable_process()->set_exe("/srv/" + text);
  ddcrash::Thread* thread = hostile.mutable_threads(1);
  for (int i = 0; i < 5000; ++i) {
    ddcrash::Frame* frame = thread->add_frames();
    frame->set_function(absl::StrCat("Recurse", i, text));
    frame->set_kind(ddcrash::FRAME_KIND_NATIVE);
  }

  int status = 0;
  for (const auto& [name, report] : {std::pair<const char*, const Report*>{"dotnet.pb", &dotnet},
                                     {"native.pb", &native},
                                     {"hostile.pb", &hostile}}) {
    const absl::Status written = ddcrash::WriteReportAtomically(*report, absl::StrCat(dir, "/", name));
    if (!written.ok()) {
      fprintf(stderr, "%s\n", std::string(written.message()).c_str());
      status = 1;
    }
  }
  return status;
}
