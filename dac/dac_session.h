// A loaded DAC attached to one captured process: names managed frames, lists managed threads
// and reads exceptions. Not thread-safe (neither is the DAC): use one session from one thread.
//
// The DAC interprets raw target memory and can crash or hang on a corrupt process; production
// callers run it in a child process (see isolated_dac.h). The session itself never writes to
// the target.
#ifndef DDCRASH_DAC_DAC_SESSION_H_
#define DDCRASH_DAC_DAC_SESSION_H_

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "dac/answer_cache.h"
#include "dac/dac_locator.h"
#include "dac/data_target.h"
#include "dac/internal/clrdata.h"
#include "dac/internal/com_ptr.h"
#include "dac/internal/sospriv.h"
#include "dac/managed_state.h"
#include "dac/runtime_info.h"
#include "dac/task_index.h"
#include "ptrace/module_map.h"
#include "ptrace/process_memory.h"
#include "ptrace/process_snapshot.h"
#include "ptrace/target_files.h"
#include "ptrace/thread_state.h"

namespace ddcrash::dac {

struct DacSessionOptions {
  // Use this DAC instead of the one beside the runtime (still checked). ddreport passes
  // DDCRASH_DAC_PATH here (cli/config); dac/ never reads the environment.
  std::string dac_path;
  // DDCRASH_DAC_DIR (dac_locator.h), when there is no DAC beside the runtime.
  std::string dac_dir;
  // Most frames walked per thread.
  int max_frames = 1024;
  // Most threads followed in the runtime's thread list.
  int max_threads = 16384;
  // Return addresses the native walk found in code it could not name. Those the DAC's own
  // walk does not list are looked up as managed methods (ManagedState::named_code): a
  // method's first-tier frame left under its on-stack-replacement version, for one.
  std::vector<uint64_t> code_addresses_to_name;
  // Ask the DAC each question (an address's description, a method's name, a thread's task)
  // once per snapshot (dac/answer_cache.h, dac/task_index.h). Off only to check that the
  // answers are the same without it.
  bool cache_answers = true;
};

class DacSession {
 public:
  // Finds the runtime, checks and loads its DAC, creates the DAC's process object. `memory`
  // and `threads` must outlive the session (a copy of every thread's registers would be a MiB
  // at 1,000 threads); modules are copied. The target's files (its
  // runtime, the DAC beside it) are read through `files`; the snapshot's target's own view
  // (TargetFiles::Of its pid) in the second form.
  static absl::StatusOr<std::unique_ptr<DacSession>> Open(
      ProcessMemory& memory, absl::Span<const ThreadState> threads,
      absl::Span<const LoadedModule> modules, const DacSessionOptions& options = {},
      const TargetFiles& files = TargetFiles::Local());
  static absl::StatusOr<std::unique_ptr<DacSession>> Open(ProcessSnapshot& snapshot,
                                                          const DacSessionOptions& options = {});
  ~DacSession();

  const RuntimeInfo& runtime() const { return runtime_; }
  const DacLocation& dac() const { return dac_; }
  absl::Duration dac_load_time() const { return dac_load_time_; }
  absl::Duration open_time() const { return open_time_; }
  const DataTarget& data_target() const { return *target_.get(); }

  // The managed frames of OS thread `tid`, innermost first. NotFound when the runtime does not
  // know the thread; an error (with the frames so far dropped) when the walk cannot start.
  absl::StatusOr<std::vector<ManagedFrame>> WalkStack(pid_t tid, std::string* error = nullptr);

  // The exception object at `object` (type, message, HResult, stack trace, inner chain, an
  // AggregateException's inner exceptions).
  absl::StatusOr<ManagedException> DescribeException(uint64_t object);

  // What a frame's code address is, which decides the instruction it stands for (the
  // runtime's own rule for stack traces): the ip of a context that was stopped there (the
  // thread's own registers, or the context a FaultingExceptionFrame, ResumableFrame or
  // RedirectedThreadFrame saved) is the instruction itself; any other frame's is a return
  // address, just after the call it is executing, so the call is at address - 1 (a call that
  // ends a method, to a helper that never returns, returns to the next method's first byte).
  enum class IpKind { kStoppedContext, kReturnAddress };

  // Names one code address: method, module, token, IL offset, code kind. `ip` and
  // native_offset stay the address given; the method and IL offset are those of the
  // instruction `kind` says it stands for.
  ManagedFrame DescribeIp(uint64_t ip, IpKind kind);

  // CollectThreads then NameCode: the whole DAC stage.
  ManagedState Collect();
  // Every thread in the runtime's thread store, each started one walked (WalkStack), with its
  // exception: all but named_code. It needs nothing from the native walk, so IsolatedDac runs
  // it while ddreport still unwinds.
  ManagedState CollectThreads();
  // Sets state->named_code from DacSessionOptions::code_addresses_to_name (the return
  // addresses the native walk could not name), reusing the frames `state`'s walks named.
  void NameCode(ManagedState* state);

  // DacSessionOptions::code_addresses_to_name, for a session opened before the native walk
  // that finds them was done (IsolatedDac).
  void set_code_addresses_to_name(std::vector<uint64_t> addresses) {
    options_.code_addresses_to_name = std::move(addresses);
  }

 private:
  DacSession() = default;
  // Each thread of the runtime's thread store, in its order, to `visit` (without frames);
  // an error when the list cannot be read to its end (threads visited until then were).
  absl::Status VisitThreads(absl::FunctionRef<void(ManagedThread)> visit);
  std::string MethodDescName(CLRDATA_ADDRESS md);
  std::string ModulePath(CLRDATA_ADDRESS module);
  std::string ObjectString(CLRDATA_ADDRESS string_object);
  std::string ObjectClassName(CLRDATA_ADDRESS object);
  // `budget`: exception objects still to describe (nested aggregates multiply).
  absl::StatusOr<ManagedException> DescribeException(uint64_t object, int depth, int* budget);

  // Exception reading (dac_session_exception.cc).
  struct ClassInfo {
    CLRDATA_ADDRESS method_table;
    std::string name;
  };
  struct FieldInfo {
    int32_t element_type;  // CorElementType
    uint32_t offset;       // from the end of the object's method table pointer
  };
  // `object`'s class, then its parents up to System.Object (each confirmed by its name).
  std::vector<ClassInfo> ClassChain(CLRDATA_ADDRESS object);
  // The instance fields the class of `method_table` declares (not its parent's), in order.
  std::vector<FieldInfo> DeclaredFields(CLRDATA_ADDRESS method_table, CLRDATA_ADDRESS parent);
  // The values in `object` of the reference fields among `fields` (0 when null or unreadable).
  std::vector<CLRDATA_ADDRESS> ReferenceFields(CLRDATA_ADDRESS object,
                                               const std::vector<FieldInfo>& fields);
  // e->message becomes what the exception's Message property returns, for the base-library
  // types whose Message adds to the stored text (`message_set`: _message is not null).
  void ComposeMessage(CLRDATA_ADDRESS object, const std::vector<ClassInfo>& chain,
                      bool message_set, ManagedException* e);
  // A boxed primitive or a string as String.Format prints it; empty for other types.
  std::string BoxedValueText(CLRDATA_ADDRESS object);
  // An AggregateException's inner exception objects, at most `max`; `*total` is how many it has.
  std::vector<CLRDATA_ADDRESS> AggregateInnerExceptions(CLRDATA_ADDRESS object,
                                                        const std::vector<ClassInfo>& chain,
                                                        size_t max, size_t* total);
  // Decodes Exception._stackTrace into e->frames / e->previous_throw_ends.
  void ReadRecordedStackTrace(CLRDATA_ADDRESS stack_trace, ManagedException* e);
  // One recorded StackTraceElement, named from its MethodDesc.
  ManagedFrame DescribeRecordedFrame(uint64_t ip, uint64_t method_desc, int32_t flags);
  uint32_t IlOffset(uint64_t ip);
  // The thread's captured instruction pointer (0 if the thread is not in the snapshot).
  uint64_t ThreadIp(pid_t tid) const;
  std::string FrameName(uint64_t frame_address);

  ProcessMemory* memory_ = nullptr;
  DacSessionOptions options_;
  RuntimeInfo runtime_;
  DacLocation dac_;
  ComPtr<DataTarget> target_;
  ComPtr<IXCLRDataProcess> process_;
  ComPtr<ISOSDacInterface> sos_;
  ComPtr<ISOSDacInterface2> sos2_;  // may be null
  absl::Duration dac_load_time_;
  absl::Duration open_time_;
  std::map<CLRDATA_ADDRESS, std::string> module_paths_;
  // The modules of assemblies a single-file app bundles: the DAC names no file for them.
  std::vector<LoadedModule> bundled_modules_;
  // DescribeIp, by the exact address and what it is (the address looked up differs by kind).
  AnswerCache<std::pair<uint64_t, IpKind>, ManagedFrame> described_ips_;
  AnswerCache<CLRDATA_ADDRESS, std::string> method_names_;  // MethodDescName, by MethodDesc
  AnswerCache<uint64_t, std::string> frame_names_;  // FrameName, by the Frame's vtable
  // A runtime transition's text, by its Frame's class name and MethodDesc (0 when none).
  AnswerCache<std::pair<std::string, CLRDATA_ADDRESS>, std::shared_ptr<const FrameText>>
      transition_texts_;
  TaskIndex tasks_;
  // DescribeRecordedFrame's answers by (ip, MethodDesc, flags): exceptions share frames.
  std::map<std::tuple<uint64_t, uint64_t, int32_t>, ManagedFrame> recorded_frames_;
};

// "0x80131c4f (CORDBG_E_MISSING_DEBUGGER_EXPORTS)" and friends.
std::string HResultToString(HRESULT hr);

// Splits a DAC method name into (method without parameters and module prefix, type).
void SplitMethodName(const std::string& signature, std::string* method, std::string* type);

}  // namespace ddcrash::dac

#endif  // DDCRASH_DAC_DAC_SESSION_H_
