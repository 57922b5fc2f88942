#include "report/testing/sample_report.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "report/report_builder.h"

namespace ddcrash {
namespace {

Frame NativeFrame(uint64_t ip, uint64_t sp, const char* function, uint64_t offset,
                  FrameTrust trust) {
  Frame frame;
  frame.set_ip(ip);
  frame.set_sp(sp);
  frame.set_function(function);
  frame.set_function_offset(offset);
  frame.set_kind(FRAME_KIND_NATIVE);
  frame.set_trust(trust);
  return frame;
}

// As capture/ makes them: `function` is the signature, `method` the name without parameters.
Frame ManagedFrameAt(uint64_t ip, uint64_t sp, const char* method, int il_offset) {
  Frame frame;
  frame.set_ip(ip);
  frame.set_sp(sp);
  frame.set_function(absl::StrCat(method, "()"));
  frame.set_kind(FRAME_KIND_MANAGED);
  frame.set_trust(FRAME_TRUST_DAC);
  ManagedFrame* managed = frame.mutable_managed();
  managed->set_method(method);
  managed->set_type("Ddcrash.TestApp.Crasher");
  managed->set_module_path("/app/App.dll");
  managed->set_metadata_token(0x06000004);
  managed->set_il_offset(il_offset);
  managed->set_native_offset(0x2a);
  managed->set_code_kind(CODE_KIND_JIT);
  return frame;
}

Module MakeModule(const char* path, uint64_t base, uint64_t size, const char* build_id,
                  ModuleFormat format) {
  Module module;
  module.set_path(path);
  module.set_base(base);
  module.set_size(size);
  module.set_build_id(build_id);
  module.set_format(format);
  module.set_executable(true);
  return module;
}

// A stopped thread as capture/ records it before its frames: state and registers.
Thread* AddStoppedThread(ReportBuilder& builder, uint32_t tid, const char* name, uint64_t rip,
                         uint64_t rsp) {
  Thread* thread = builder.AddThread(tid, name);
  thread->set_state("S");
  thread->mutable_registers()->set_rip(rip);
  thread->mutable_registers()->set_rsp(rsp);
  thread->set_unwind_end(UNWIND_END_OUTERMOST_FRAME);
  return thread;
}

}  // namespace

Report SampleCrashReport() {
  absl::StatusOr<Scrubber> scrubber = Scrubber::Create("");
  ReportBuilder builder(*std::move(scrubber), "0.1.0-test", absl::FromUnixSeconds(1764000000));
  builder.SetTrigger(TRIGGER_CRASH);
  builder.SetProcess(4242, 1, "/app/App", {"/app/App", "--token", "abc"},
                     {"PATH=/usr/bin", "API_KEY=xyz"});
  builder.SetHostname("build-host");
  builder.mutable_runtime()->set_flavor(RUNTIME_FLAVOR_CORECLR);
  builder.mutable_runtime()->set_version("8.0.11");
  builder.mutable_runtime()->set_path("/app/libcoreclr.so");
  builder.mutable_runtime()->set_dac_path("/app/libmscordaccore.so");
  DacAccount* dac = builder.mutable_dac_account();
  dac->set_match("build id c0ffee");
  dac->set_load_duration_nanos(9000000);
  dac->set_session_duration_nanos(30000000);
  builder.SetSignal(6, -6, 0, 0);
  builder.SetCrashingTid(4243);
  builder.AddModule(MakeModule("/usr/lib/x86_64-linux-gnu/libc.so.6", 0x7f0000000000, 0x200000,
                               "4a2b1c0d9e8f7a6b", MODULE_FORMAT_ELF));
  builder.AddModule(MakeModule("/app/libcoreclr.so", 0x7f1000000000, 0x800000, "c0ffee",
                               MODULE_FORMAT_ELF));
  builder.AddModule(MakeModule("/app/App.dll", 0x7f2000000000, 0x10000, "", MODULE_FORMAT_PE));
  builder.AddModule(MakeModule("", 0x7f3000000000, 0x100000, "", MODULE_FORMAT_ANONYMOUS));

  Thread* main_thread = AddStoppedThread(builder, 4242, "App", 0x7f0000012345, 0x7ffd00001000);
  main_thread->add_roles(THREAD_ROLE_MAIN);
  builder.AddFrame(main_thread, NativeFrame(0x7f0000012345, 0x7ffd00001000, "__futex_abstimed_wait_common",
                                            0x15, FRAME_TRUST_CONTEXT));
  builder.AddFrame(main_thread, NativeFrame(0x7f1000001234, 0x7ffd00001100, "Thread::Block", 0x20,
                                            FRAME_TRUST_CFI));

  Thread* worker = AddStoppedThread(builder, 4243, "worker", 0x7f000001a000, 0x7f5000002000);
  worker->set_managed_id(3);
  builder.AddFrame(worker, NativeFrame(0x7f000001a000, 0x7f5000002000,
                                       "__pthread_kill_implementation", 0x11c, FRAME_TRUST_CONTEXT));
  builder.AddFrame(worker, NativeFrame(0x7f000001b000, 0x7f5000002100, "raise", 0x16,
                                       FRAME_TRUST_CFI));
  builder.AddFrame(worker, NativeFrame(0x7f000001c000, 0x7f5000002200, "abort", 0xd7,
                                       FRAME_TRUST_CFI));
  builder.AddFrame(worker, NativeFrame(0x7f1000005000, 0x7f5000002300, "PROCAbort", 0x3d,
                                       FRAME_TRUST_CFI));
  builder.AddFrame(worker, NativeFrame(0x7f1000006000, 0x7f5000002400, "IL_Throw", 0x44,
                                       FRAME_TRUST_CFI));
  builder.AddFrame(worker, ManagedFrameAt(0x7f3000000100, 0x7f5000002500,
                                          "Ddcrash.TestApp.Crasher.Fail", 0x12));
  builder.AddFrame(worker, ManagedFrameAt(0x7f3000000200, 0x7f5000002600,
                                          "Ddcrash.TestApp.Crasher.Run", 0x5));

  Thread* finalizer =
      AddStoppedThread(builder, 4244, ".NET Finalizer", 0x7f0000012345, 0x7f6000001000);
  finalizer->add_roles(THREAD_ROLE_FINALIZER);
  builder.AddFrame(finalizer, NativeFrame(0x7f0000012345, 0x7f6000001000,
                                          "__futex_abstimed_wait_common", 0x15,
                                          FRAME_TRUST_CONTEXT));

  Exception* exception = builder.mutable_exception();
  exception->set_type("System.InvalidOperationException");
  exception->set_message("ddcrash test: worker thread");
  exception->set_hresult(static_cast<int32_t>(0x80131509));
  exception->set_tid(4243);
  exception->mutable_inner()->set_type("System.IO.FileNotFoundException");
  exception->mutable_inner()->set_message("missing.txt");
  exception->mutable_inner()->set_tid(4243);
  *worker->mutable_exception() = *exception;

  builder.MarkIncomplete("attach", "threads kept appearing; some may be missing");
  builder.RecordStage("attach", absl::Milliseconds(2));
  return std::move(builder).Build(absl::FromUnixSeconds(1764000000) + absl::Milliseconds(40));
}

}  // namespace ddcrash
