#include "dac/dac_session.h"

#include <sys/sdt.h>

#include <algorithm>
#include <cstring>
#include <map>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "dac/amd64_context.h"
#include "dac/dac_library.h"
#include "dac/internal/dac_calls.h"
#include "dac/internal/utf16.h"

namespace ddcrash::dac {
namespace {

constexpr size_t kStackWalkContextSize = 4096;  // > the PAL CONTEXT (~0xC20) of any version
// The runtime's explicit Frames whose saved context is where the code stopped, not a call
// site: a hardware fault, or a thread interrupted (to be suspended or redirected) between two
// instructions. The runtime marks them FRAME_ATTR_FAULTED or FRAME_ATTR_RESUMABLE, and its
// stack walk then reports the next frame as faulted or interrupted (CrawlFrame::HasFaulted,
// IsInterrupted) and does not step its ip back. HijackFrame is not one: a hijacked return
// is a return address.
bool SavesStoppedContext(const std::string& frame_name) {
  return frame_name == "FaultingExceptionFrame" || frame_name == "ResumableFrame" ||
         frame_name == "RedirectedThreadFrame";
}

}  // namespace

std::string HResultToString(HRESULT hr) {
  const char* name = nullptr;
  switch (hr) {
    case S_OK: name = "S_OK"; break;
    case S_FALSE: name = "S_FALSE"; break;
    case E_NOTIMPL: name = "E_NOTIMPL"; break;
    case E_NOINTERFACE: name = "E_NOINTERFACE"; break;
    case E_POINTER: name = "E_POINTER"; break;
    case E_FAIL: name = "E_FAIL"; break;
    case E_UNEXPECTED: name = "E_UNEXPECTED"; break;
    case E_INVALIDARG: name = "E_INVALIDARG"; break;
    case E_OUTOFMEMORY: name = "E_OUTOFMEMORY"; break;
    case HRESULT_PARTIAL_COPY: name = "ERROR_PARTIAL_COPY: target memory not readable"; break;
    case CORDBG_E_MISSING_DEBUGGER_EXPORTS:
      name = "CORDBG_E_MISSING_DEBUGGER_EXPORTS: the runtime's g_dacTable is missing or unreadable";
      break;
    case static_cast<HRESULT>(0x80131C3B): name = "CORDBG_E_UNSUPPORTED"; break;
    case static_cast<HRESULT>(0x80131C30): name = "CORDBG_E_INCOMPATIBLE_PLATFORMS"; break;
    case static_cast<HRESULT>(0x80131C64): name = "CORDBG_E_NO_IMAGE_AVAILABLE"; break;
    default: break;
  }
  std::string hex = absl::StrCat("0x", absl::Hex(static_cast<uint32_t>(hr), absl::kZeroPad8));
  return name != nullptr ? absl::StrCat(hex, " (", name, ")") : hex;
}

void SplitMethodName(const std::string& signature, std::string* method, std::string* type) {
  // Generic arguments ("[[System.Int32, System.Private.CoreLib]]") contain dots, commas and
  // spaces: only characters outside brackets delimit the module, the parameters and the type.
  std::string name;
  int depth = 0;
  size_t last_dot = std::string::npos;
  for (char c : signature) {
    if (c == '[') ++depth;
    if (c == ']' && depth > 0) --depth;
    if (depth == 0) {
      if (c == '(') break;
      if (c == '!') {
        name.clear();
        last_dot = std::string::npos;
        continue;
      }
      // The method name is after the last '.', except for ".ctor"/".cctor" ("Type..ctor").
      if (c == '.' && !(name.size() > 0 && name.back() == '.')) last_dot = name.size();
    }
    name.push_back(c);
  }
  while (!name.empty() && name.back() == ' ') name.pop_back();
  *method = name;
  *type = last_dot == std::string::npos || last_dot == 0 ? std::string() : name.substr(0, last_dot);
}

DacSession::~DacSession() {
  // Release the DAC's objects before the data target they reference.
  sos2_.Reset();
  sos_.Reset();
  process_.Reset();
  target_.Reset();
}

absl::StatusOr<std::unique_ptr<DacSession>> DacSession::Open(ProcessSnapshot& snapshot,
                                                             const DacSessionOptions& options) {
  return Open(snapshot.memory(), snapshot.threads(), snapshot.modules().modules(), options,
              TargetFiles::Of(snapshot.pid()));
}

absl::StatusOr<std::unique_ptr<DacSession>> DacSession::Open(ProcessMemory& memory,
                                                             absl::Span<const ThreadState> threads,
                                                             absl::Span<const LoadedModule> modules,
                                                             const DacSessionOptions& options,
                                                             const TargetFiles& files) {
  absl::Time start = absl::Now();
  std::unique_ptr<DacSession> s(new DacSession());
  s->memory_ = &memory;
  s->options_ = options;
  s->described_ips_.set_enabled(options.cache_answers);
  s->method_names_.set_enabled(options.cache_answers);
  s->frame_names_.set_enabled(options.cache_answers);
  s->transition_texts_.set_enabled(options.cache_answers);
  s->tasks_.set_enabled(options.cache_answers);
  for (const LoadedModule& m : modules) {
    if (m.bundled.has_value()) s->bundled_modules_.push_back(m);
  }

  absl::StatusOr<RuntimeInfo> runtime = FindRuntime(modules, memory, files);
  if (!runtime.ok()) return runtime.status();
  s->runtime_ = *std::move(runtime);

  absl::StatusOr<DacLocation> dac = LocateDac(s->runtime_, options.dac_path, options.dac_dir);
  if (!dac.ok()) return dac.status();
  s->dac_ = *std::move(dac);

  absl::StatusOr<const DacLibrary*> lib = LoadDacLibrary(s->dac_.opened_path);
  if (!lib.ok()) return lib.status();
  s->dac_load_time_ = (*lib)->load_time;

  s->target_ = DataTarget::Create(memory, threads, modules, s->runtime_.module_base);
  void* raw = nullptr;
  HRESULT hr = (*lib)->create_instance(IID_IXCLRDataProcess,
                                       static_cast<ICLRDataTarget*>(s->target_.get()), &raw);
  if (Failed(hr) || raw == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the DAC ", s->dac_.path, " refused the process: CLRDataCreateInstance returned ",
        HResultToString(hr)));
  }
  s->process_ = ComPtr<IXCLRDataProcess>::Adopt(static_cast<IXCLRDataProcess*>(raw));
  s->sos_ = s->process_.As<ISOSDacInterface>(IID_ISOSDacInterface);
  if (!s->sos_) {
    return absl::FailedPreconditionError(
        absl::StrCat("the DAC ", s->dac_.path, " does not implement ISOSDacInterface"));
  }
  s->sos2_ = s->process_.As<ISOSDacInterface2>(IID_ISOSDacInterface2);
  s->open_time_ = absl::Now() - start;
  DTRACE_PROBE2(ddcrash, dac_opened, s->dac_.path.c_str(), absl::ToInt64Nanoseconds(s->open_time_));
  return s;
}

std::string DacSession::MethodDescName(CLRDATA_ADDRESS md) {
  return method_names_.Get(md, [&] {
    return WideString([&](ULONG n, WCHAR* buf, ULONG* needed) {
      return sos_->GetMethodDescName(md, n, buf, needed);
    });
  });
}

std::string DacSession::ModulePath(CLRDATA_ADDRESS module) {
  auto it = module_paths_.find(module);
  if (it != module_paths_.end()) return it->second;
  std::string path;
  Padded<DacpModuleData> data;
  if (Succeeded(sos_->GetModuleData(module, &data.value))) {
    path = WideString([&](ULONG n, WCHAR* buf, ULONG* needed) {
      return sos_->GetPEFileName(data.value.PEAssembly, n, buf, needed);
    });
    // An assembly a single-file app bundles has no file of its own, and the DAC names none:
    // it is the bundled module its image lies in (named as the runtime names it).
    if (path.empty() && data.value.ilBase != 0) {
      for (const LoadedModule& m : bundled_modules_) {
        if (m.Contains(data.value.ilBase)) path = m.path;
      }
    }
  }
  module_paths_[module] = path;
  return path;
}

std::string DacSession::ObjectString(CLRDATA_ADDRESS string_object) {
  if (string_object == 0) return std::string();
  return WideString([&](ULONG n, WCHAR* buf, ULONG* needed) {
    return sos_->GetObjectStringData(string_object, n, buf, needed);
  });
}

std::string DacSession::ObjectClassName(CLRDATA_ADDRESS object) {
  return WideString([&](ULONG n, WCHAR* buf, ULONG* needed) {
    return sos_->GetObjectClassName(object, n, buf, needed);
  });
}

uint32_t DacSession::IlOffset(uint64_t ip) {
  CLRDATA_ENUM handle = 0;
  if (process_->StartEnumMethodInstancesByAddress(ip, nullptr, &handle) != S_OK) {
    return kNoIlOffset;
  }
  uint32_t result = kNoIlOffset;
  ComPtr<IXCLRDataMethodInstance> method;
  if (process_->EnumMethodInstanceByAddress(&handle, method.Out()) == S_OK && method) {
    ULONG32 il = 0;
    ULONG32 needed = 0;
    if (Succeeded(method->GetILOffsetsByAddress(ip, 1, &needed, &il)) && needed >= 1) result = il;
  }
  process_->EndEnumMethodInstancesByAddress(handle);
  return result;
}

std::string DacSession::FrameName(uint64_t frame_address) {
  absl::StatusOr<uint64_t> vtable = memory_->ReadValue<uint64_t>(frame_address);
  if (!vtable.ok() || *vtable == 0) return std::string();
  return frame_names_.Get(*vtable, [&] {
    return WideString([&](ULONG n, WCHAR* buf, ULONG* needed) {
      return sos_->GetFrameName(*vtable, n, buf, needed);
    });
  });
}

uint64_t DacSession::ThreadIp(pid_t tid) const {
  const ThreadState* os = target_->FindThread(static_cast<uint32_t>(tid));
  return os != nullptr && os->stopped ? os->regs.rip : 0;
}

ManagedFrame DacSession::DescribeIp(uint64_t ip, IpKind kind) {
  FrameText t;
  // The instruction the frame is executing; every lookup is by it.
  const uint64_t at = kind == IpKind::kReturnAddress && ip != 0 ? ip - 1 : ip;
  const uint64_t adjust = ip - at;
  CLRDATA_ADDRESS md = 0;
  if (Failed(sos_->GetMethodDescPtrFromIP(at, &md)) || md == 0) {
    // Not managed code: a stub or helper the runtime may still name.
    std::u16string buf(512, u'\0');
    ULONG32 len = 0;
    CLRDATA_ADDRESS displacement = 0;
    if (Succeeded(process_->GetRuntimeNameByAddress(at, 0, static_cast<ULONG32>(buf.size()), &len,
                                                    buf.data(), &displacement))) {
      t.method_signature =
          Utf16ToUtf8(std::u16string_view(buf.data(), Utf16Length(buf.data(), buf.size())));
      t.method = t.method_signature;
      t.native_offset = displacement + adjust;
    }
    t.kind = ManagedFrameKind::kUnknown;
    return ManagedFrame{.ip = ip, .text = std::make_shared<const FrameText>(std::move(t))};
  }
  t.kind = ManagedFrameKind::kManagedMethod;
  t.method_desc = md;
  t.method_signature = MethodDescName(md);
  SplitMethodName(t.method_signature, &t.method, &t.type);
  Padded<DacpCodeHeaderData> code;
  if (Succeeded(sos_->GetCodeHeaderData(at, &code.value))) {
    t.method_start = code.value.MethodStart;
    if (ip >= code.value.MethodStart) t.native_offset = ip - code.value.MethodStart;
    t.code_kind = code.value.JITType == TYPE_JIT    ? CodeKind::kJit
                  : code.value.JITType == TYPE_PJIT ? CodeKind::kReadyToRun
                                                    : CodeKind::kUnknown;
  }
  Padded<DacpMethodDescData> mdd;
  if (Succeeded(sos_->GetMethodDescData(md, 0, &mdd.value, 0, nullptr, nullptr))) {
    t.token = mdd.value.MDToken;
    if (mdd.value.ModulePtr != 0) t.module_path = ModulePath(mdd.value.ModulePtr);
  }
  t.il_offset = IlOffset(at);
  return ManagedFrame{.ip = ip, .text = std::make_shared<const FrameText>(std::move(t))};
}

absl::StatusOr<std::vector<ManagedFrame>> DacSession::WalkStack(pid_t tid, std::string* error) {
  ComPtr<IXCLRDataTask> task;
  HRESULT hr =
      tasks_.Find(*process_.get(), static_cast<uint32_t>(tid), options_.max_threads, task.Out());
  if (Failed(hr) || !task) {
    return absl::NotFoundError(absl::StrCat("thread ", tid, " is not known to the runtime (",
                                            HResultToString(hr), ")"));
  }
  ComPtr<IXCLRDataStackWalk> walk;
  hr = task->CreateStackWalk(CLRDATA_SIMPFRAME_ALL, walk.Out());
  if (Failed(hr) || !walk) {
    return absl::FailedPreconditionError(
        absl::StrCat("CreateStackWalk failed for thread ", tid, ": ", HResultToString(hr)));
  }
  std::vector<ManagedFrame> frames;
  alignas(16) static uint8_t context[kStackWalkContextSize];
  const uint64_t thread_ip = ThreadIp(tid);
  // The next frame's context is one the runtime saved where the code stopped (a fault, or
  // a thread interrupted to be redirected): its ip is the instruction, not a return address.
  bool after_stopped_context_frame = false;
  for (int i = 0; i < options_.max_frames; ++i) {
    ULONG32 size = 0;
    hr = walk->GetContext(kContextAll, sizeof(context), &size, context);
    if (Failed(hr)) {
      if (error) *error = absl::StrCat("GetContext failed: ", HResultToString(hr));
      break;
    }
    // Only what the DAC wrote is read (no zeroing of the buffer for each frame).
    if (size < Amd64ContextOffsets::kRip + sizeof(uint64_t)) {
      if (error) *error = absl::StrCat("GetContext gave ", size, " bytes, too few for rip");
      break;
    }
    uint64_t ip = ReadContextRegister(context, Amd64ContextOffsets::kRip);
    uint64_t sp = ReadContextRegister(context, Amd64ContextOffsets::kRsp);
    uint64_t frame_address = 0;
    if (walk->Request(DACSTACKPRIV_REQUEST_FRAME_DATA, 0, nullptr, sizeof(frame_address),
                      reinterpret_cast<BYTE*>(&frame_address)) != S_OK) {
      frame_address = 0;
    }
    ManagedFrame f;
    if (frame_address != 0) {
      f.ip = ip;
      f.frame_address = frame_address;
      std::string name = FrameName(frame_address);
      CLRDATA_ADDRESS md = 0;
      if (Failed(sos_->GetMethodDescPtrFromFrame(frame_address, &md))) md = 0;
      f.text = transition_texts_.Get({name, md}, [&] {
        FrameText t;
        t.kind = ManagedFrameKind::kRuntimeTransition;
        t.transition_frame = name;
        if (md != 0) {
          t.method_desc = md;
          t.method_signature = MethodDescName(md);
          SplitMethodName(t.method_signature, &t.method, &t.type);
        }
        return std::make_shared<const FrameText>(std::move(t));
      });
      after_stopped_context_frame = SavesStoppedContext(name);
    } else {
      // The walk's first frame is the thread's own context only when the thread stopped in
      // that code; otherwise the walk unwound to it through native frames.
      const bool stopped_here = (frames.empty() && ip == thread_ip) || after_stopped_context_frame;
      const IpKind kind = stopped_here ? IpKind::kStoppedContext : IpKind::kReturnAddress;
      f = described_ips_.Get({ip, kind}, [&] { return DescribeIp(ip, kind); });
      after_stopped_context_frame = false;
    }
    f.sp = sp;
    frames.push_back(std::move(f));
    hr = walk->Next();
    if (hr != S_OK) {
      if (Failed(hr) && error) *error = absl::StrCat("Next failed: ", HResultToString(hr));
      break;
    }
    if (i + 1 == options_.max_frames && error) {
      *error = absl::StrCat("stopped after ", options_.max_frames, " frames");
    }
  }
  DTRACE_PROBE2(ddcrash, dac_thread_walked, tid, frames.size());
  // Every thread's frames are held until the result is sent; the growth's slack (5 frames in
  // room for 8) was a quarter of this process's heap at 1,000 threads.
  frames.shrink_to_fit();
  return frames;
}

absl::Status DacSession::VisitThreads(absl::FunctionRef<void(ManagedThread)> visit) {
  Padded<DacpThreadStoreData> store;
  HRESULT hr = sos_->GetThreadStoreData(&store.value);
  if (Failed(hr)) {
    return absl::FailedPreconditionError(
        absl::StrCat("GetThreadStoreData failed: ", HResultToString(hr)));
  }
  CLRDATA_ADDRESS thread = store.value.firstThread;
  for (int i = 0; thread != 0 && i < options_.max_threads; ++i) {
    Padded<DacpThreadData> td;
    hr = sos_->GetThreadData(thread, &td.value);
    if (Failed(hr)) {
      return absl::DataLossError(absl::StrCat("GetThreadData(0x", absl::Hex(thread),
                                              ") failed: ", HResultToString(hr)));
    }
    ManagedThread t;
    t.thread_address = thread;
    t.os_thread_id = td.value.osThreadId;
    t.managed_id = td.value.corThreadId;
    t.state = td.value.state;
    t.is_finalizer = thread == store.value.finalizerThread;
    t.is_gc = thread == store.value.gcThread;
    t.is_background = (t.state & kThreadStateBackground) != 0;
    t.is_threadpool = (t.state & kThreadStateThreadPoolWorker) != 0;
    t.is_dead = (t.state & kThreadStateDead) != 0;
    t.is_unstarted = (t.state & kThreadStateUnstarted) != 0;
    if (const ThreadState* os = target_->FindThread(t.os_thread_id)) t.os_name = os->name;
    if (td.value.lastThrownObjectHandle != 0) {
      absl::StatusOr<uint64_t> object = memory_->ReadValue<uint64_t>(td.value.lastThrownObjectHandle);
      if (object.ok() && *object != 0) {
        absl::StatusOr<ManagedException> e = DescribeException(*object);
        if (e.ok()) {
          t.has_exception = true;
          t.exception = *std::move(e);
        }
      }
    }
    // Read before the visit, which may read other threads' memory.
    thread = td.value.nextThread;
    visit(std::move(t));
  }
  return absl::OkStatus();
}

ManagedState DacSession::Collect() {
  ManagedState st = CollectThreads();
  NameCode(&st);
  return st;
}

ManagedState DacSession::CollectThreads() {
  const absl::Time start = absl::Now();
  ManagedState st;
  st.runtime_version = runtime_.version.ToString();
  st.runtime_path = runtime_.module_path;
  st.dac_path = dac_.path;
  st.dac_match = dac_.match;
  st.dac_load_us = static_cast<uint64_t>(absl::ToInt64Microseconds(dac_load_time_));
  // Each thread is walked as soon as it is listed: the walk reads its Thread object again,
  // still in the memory cache then (listing all of them first re-read ~1,000 pages of the
  // target at 1,000 threads, a quarter of this stage's reads).
  const absl::Status listed = VisitThreads([&](ManagedThread t) {
    if (t.os_thread_id != 0 && !t.is_dead) {
      std::string error;
      absl::StatusOr<std::vector<ManagedFrame>> frames =
          WalkStack(static_cast<pid_t>(t.os_thread_id), &error);
      if (frames.ok()) {
        t.frames = *std::move(frames);
        t.frames_error = error;
      } else {
        t.frames_error = std::string(frames.status().message());
      }
    }
    st.threads.push_back(std::move(t));
  });
  if (!listed.ok()) {
    // As when nothing was listed: a thread list that broke part-way is not trusted.
    st.threads.clear();
    st.errors.push_back(std::string(listed.message()));
  }
  DTRACE_PROBE1(ddcrash, dac_threads_listed, st.threads.size());
  st.total_us = static_cast<uint64_t>(absl::ToInt64Microseconds(absl::Now() - start + open_time_));
  return st;
}

void DacSession::NameCode(ManagedState* state) {
  const absl::Time start = absl::Now();
  ManagedState& st = *state;
  // Most of these addresses are frames the walks named already (on this thread or on
  // another: a thread whose walk stopped short, in a runtime helper, has its frames named by
  // the same return addresses on the threads whose walks went through).
  std::map<uint64_t, const ManagedFrame*> walked;
  for (const ManagedThread& t : st.threads) {
    for (const ManagedFrame& f : t.frames) {
      if (f.text->kind == ManagedFrameKind::kManagedMethod) walked.emplace(f.ip, &f);
    }
  }
  for (uint64_t address : options_.code_addresses_to_name) {
    if (address == 0) continue;
    if (auto it = walked.find(address); it != walked.end()) {
      st.named_code.push_back(*it->second);
      continue;
    }
    ManagedFrame f = described_ips_.Get({address, IpKind::kReturnAddress}, [&] {
      return DescribeIp(address, IpKind::kReturnAddress);
    });
    if (f.text->kind == ManagedFrameKind::kManagedMethod) {
      st.named_code.push_back(std::move(f));
      continue;
    }
    // Managed code all the same: say so (an unknown entry), for the report to be marked
    // incomplete rather than silently short of a frame.
    int32_t type = kAddressUnrecognized;
    if (Succeeded(process_->GetAddressType(address - 1, &type)) &&
        (type == kAddressManagedMethod || type == kAddressRuntimeManagedCode)) {
      st.named_code.push_back(ManagedFrame{.ip = address});
    }
  }
  st.total_us += static_cast<uint64_t>(absl::ToInt64Microseconds(absl::Now() - start));
}

}  // namespace ddcrash::dac
