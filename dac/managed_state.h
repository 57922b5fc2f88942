// Plain results of asking the DAC about a process: managed frames, managed threads, exceptions.
// No DAC types leak out of here; report/ maps these into the report schema.
#ifndef DDCRASH_DAC_MANAGED_STATE_H_
#define DDCRASH_DAC_MANAGED_STATE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ddcrash::dac {

enum class ManagedFrameKind : uint8_t {
  kManagedMethod = 0,      // a frame of managed code (JIT or ReadyToRun)
  kRuntimeTransition = 1,  // an explicit runtime Frame (InlinedCallFrame, HelperMethodFrame...)
  kUnknown = 2,            // the DAC walked it but could not name it
};

enum class CodeKind : uint8_t { kUnknown = 0, kJit = 1, kReadyToRun = 2 };

inline constexpr uint32_t kNoIlOffset = 0xFFFFFFFF;

// What names a frame's code. Frames of the same code address (and kind of address, or the
// same runtime transition) share one: a thousand threads parked in the same few methods hold
// a few dozen, not tens of thousands of copies of the same names.
struct FrameText {
  ManagedFrameKind kind = ManagedFrameKind::kUnknown;
  // As the DAC prints it, with the parameter list:
  //   "Ddcrash.TestApp.Parker.ParkHere(System.Object, System.Threading.CountdownEvent)".
  std::string method_signature;
  // Without parameters or "Module!" prefix: "Ddcrash.TestApp.Parker.ParkHere".
  std::string method;
  std::string type;  // "Ddcrash.TestApp.Parker"
  std::string module_path;
  uint32_t token = 0;  // MethodDef token
  uint32_t il_offset = kNoIlOffset;
  uint64_t native_offset = 0;  // ip - start of the method's code
  uint64_t method_start = 0;
  uint64_t method_desc = 0;
  CodeKind code_kind = CodeKind::kUnknown;
  // For kRuntimeTransition: the Frame's class name ("InlinedCallFrame").
  std::string transition_frame;
  // From the module's portable PDB (source_lines.h); empty / 0 when none matched.
  std::string source_file;
  uint32_t source_line = 0;
  uint32_t source_column = 0;

  friend bool operator==(const FrameText&, const FrameText&) = default;
};

// The text of a frame nothing names (kUnknown, empty): every frame's until it is given one.
inline const std::shared_ptr<const FrameText>& UnnamedFrameText() {
  static const std::shared_ptr<const FrameText>* const text =
      new std::shared_ptr<const FrameText>(std::make_shared<const FrameText>());
  return *text;
}

struct ManagedFrame {
  uint64_t ip = 0;
  uint64_t sp = 0;
  // For kRuntimeTransition: the runtime Frame's address.
  uint64_t frame_address = 0;
  // Never null; shared with the other frames of the same code, so never changed in place.
  std::shared_ptr<const FrameText> text = UnnamedFrameText();
};

// A managed assembly (one frames ran code of, or one mapped in the process): what identifies it
// and its PDB (source_lines.h).
struct ManagedModule {
  std::string path;           // as the DAC names it (ManagedFrame::module_path)
  std::string mvid;           // "xxxxxxxx-xxxx-..."; empty when the assembly was unreadable
  std::string pdb_id;         // the id its CodeView record expects; empty when none
  std::string codeview_path;  // the PDB path the CodeView record holds (the build machine's)
  std::string pdb_location;   // the PDB file read, or "embedded"; empty when none matched
  std::string pdb_problem;    // why it has no lines; empty when a PDB matched
  uint32_t frames = 0;        // managed frames running its code
};

struct ManagedException {
  uint64_t object = 0;
  std::string type;  // "System.InvalidOperationException"
  std::string message;
  int32_t hresult = 0;
  std::string stack_trace;  // the exception's _stackTraceString when set
  std::string remote_stack_trace;  // _remoteStackTraceString: text put in front at a rethrow
  // The frames the runtime recorded in the exception (_stackTrace), throw site first, across
  // every rethrow (ExceptionDispatchInfo, await); ip as recorded, il_offset by the runtime's
  // rule (of the byte before a return address). Cut at a bound: `frames_omitted` more.
  std::vector<ManagedFrame> frames;
  // Indices into `frames` of the last frame of each earlier throw (the runtime prints
  // "--- End of stack trace from previous location ---" after it).
  std::vector<uint32_t> previous_throw_ends;
  uint32_t frames_omitted = 0;
  std::vector<ManagedException> inner;  // at most one element; chains nest
  // An AggregateException's inner exceptions (the first is also `inner`), bounded in count and
  // depth; `inner_exceptions_omitted` counts those cut.
  std::vector<ManagedException> inner_exceptions;
  uint32_t inner_exceptions_omitted = 0;
};

struct ManagedThread {
  uint32_t os_thread_id = 0;  // Linux TID; 0 when the thread has not started or has died
  uint32_t managed_id = 0;    // Thread.ManagedThreadId
  uint64_t thread_address = 0;  // the runtime's Thread object
  int32_t state = 0;            // Thread::ThreadState bits
  bool is_finalizer = false;
  bool is_gc = false;
  bool is_background = false;
  bool is_threadpool = false;
  bool is_dead = false;
  bool is_unstarted = false;
  // The OS thread name (/proc/PID/task/TID/comm): .NET copies Thread.Name there, cut to 15
  // bytes ("ddcrash-worker-1" shows as "ddcrash-worker-"). The full managed Thread.Name is not
  // available: the DAC answers E_NOTIMPL to IXCLRDataTask::GetManagedObject and gives no name
  // through IXCLRDataTask::GetName on .NET 8, 9 and 10 (checked).
  std::string os_name;
  bool has_exception = false;
  ManagedException exception;  // the last thrown object, when has_exception
  std::vector<ManagedFrame> frames;
  std::string frames_error;  // why `frames` is empty or cut short
};

// Everything the DAC stage produces for one process.
struct ManagedState {
  std::string runtime_version;  // "8.0.31"
  std::string runtime_path;
  std::string dac_path;
  std::string dac_match;  // how the DAC was accepted
  std::vector<ManagedThread> threads;
  // The managed methods at DacSessionOptions::code_addresses_to_name (ip: the address asked
  // about); addresses in no managed method are left out, and an address in managed code the
  // DAC could not name has an entry of kind kUnknown.
  std::vector<ManagedFrame> named_code;
  // Every managed module, once: those frames above run code of, then the other assemblies
  // mapped in the process.
  std::vector<ManagedModule> modules;
  std::vector<std::string> errors;  // non-fatal problems, one line each
  uint64_t dac_load_us = 0;
  uint64_t total_us = 0;
  uint64_t source_lines_us = 0;  // reading PDBs and mapping frames to lines (after total_us)
};

}  // namespace ddcrash::dac

#endif  // DDCRASH_DAC_MANAGED_STATE_H_
