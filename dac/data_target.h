// Our ICLRDataTarget: the DAC's only window onto the target. Answers from a captured picture of
// the process (memory reader, stopped threads' registers, module list) and never writes to it.
// Also ICLRRuntimeLocator (when the runtime base is known: required for single-file apps) and
// ICorDebugDataTarget4 (VirtualUnwind answers E_NOTIMPL, so the DAC unwinds native frames of
// libcoreclr itself through ReadVirtual).
#ifndef DDCRASH_DAC_DATA_TARGET_H_
#define DDCRASH_DAC_DATA_TARGET_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/types/span.h"
#include "dac/internal/clrdata.h"
#include "dac/internal/com_ptr.h"
#include "ptrace/module_map.h"
#include "ptrace/process_memory.h"
#include "ptrace/thread_state.h"

namespace ddcrash::dac {

inline constexpr ULONG32 kImageFileMachineAmd64 = 0x8664;

class DataTarget final : public ICLRDataTarget,
                         public ICLRRuntimeLocator,
                         public ICorDebugDataTarget4 {
 public:
  struct Stats {
    uint64_t reads = 0;
    uint64_t failed_reads = 0;
    uint64_t bytes_read = 0;
    uint64_t context_requests = 0;
  };

  // `memory` and `threads` must outlive the returned object (and every DAC object created over
  // it); modules are copied. `runtime_base` is the load address of the module holding the
  // runtime (libcoreclr.so, or the single-file executable); 0 hides ICLRRuntimeLocator, so the
  // DAC falls back to GetImageBase("libcoreclr.so").
  static ComPtr<DataTarget> Create(ProcessMemory& memory, absl::Span<const ThreadState> threads,
                                   absl::Span<const LoadedModule> modules, uint64_t runtime_base);

  // IUnknown (one implementation for all three interfaces).
  HRESULT QueryInterface(REFIID iid, void** object) override;
  ULONG AddRef() override;
  ULONG Release() override;

  // ICLRDataTarget
  HRESULT GetMachineType(ULONG32* machine) override;
  HRESULT GetPointerSize(ULONG32* size) override;
  HRESULT GetImageBase(const WCHAR* image_path, CLRDATA_ADDRESS* base) override;
  HRESULT ReadVirtual(CLRDATA_ADDRESS address, BYTE* buffer, ULONG32 size,
                      ULONG32* done) override;
  HRESULT WriteVirtual(CLRDATA_ADDRESS address, BYTE* buffer, ULONG32 size,
                       ULONG32* done) override;
  HRESULT GetTLSValue(ULONG32 thread_id, ULONG32 index, CLRDATA_ADDRESS* value) override;
  HRESULT SetTLSValue(ULONG32 thread_id, ULONG32 index, CLRDATA_ADDRESS value) override;
  HRESULT GetCurrentThreadID(ULONG32* thread_id) override;
  HRESULT GetThreadContext(ULONG32 thread_id, ULONG32 context_flags, ULONG32 size,
                           BYTE* context) override;
  HRESULT SetThreadContext(ULONG32 thread_id, ULONG32 size, BYTE* context) override;
  HRESULT Request(ULONG32 code, ULONG32 in_size, BYTE* in, ULONG32 out_size,
                  BYTE* out) override;

  // ICLRRuntimeLocator
  HRESULT GetRuntimeBase(CLRDATA_ADDRESS* base) override;

  // ICorDebugDataTarget4
  HRESULT VirtualUnwind(DWORD thread_id, ULONG32 context_size, BYTE* context) override;

  // The thread with OS thread id `tid` (the first, should one be listed twice); null if none.
  const ThreadState* FindThread(uint32_t tid) const;

  ULONG ref_count() const { return refs_.load(); }
  Stats stats() const { return stats_; }

 private:
  struct ModuleEntry {
    std::string file_name;  // lowercase file part of the path
    uint64_t base;
    bool elf;
  };
  DataTarget(ProcessMemory& memory, absl::Span<const ThreadState> threads,
             absl::Span<const LoadedModule> modules, uint64_t runtime_base);
  ~DataTarget() = default;

  std::atomic<ULONG> refs_{1};
  ProcessMemory& memory_;
  // Create's threads by tid: the DAC asks for a context at each of thousands of stack walks.
  absl::flat_hash_map<uint32_t, const ThreadState*> threads_by_tid_;
  std::vector<ModuleEntry> modules_;
  uint64_t runtime_base_;
  Stats stats_;
};

}  // namespace ddcrash::dac

#endif  // DDCRASH_DAC_DATA_TARGET_H_
