#include "dac/data_target.h"

#include <algorithm>
#include <cctype>

#include "dac/amd64_context.h"
#include "dac/internal/utf16.h"

namespace ddcrash::dac {
namespace {

std::string LowerFileName(std::string_view path) {
  size_t slash = path.find_last_of('/');
  if (slash != std::string_view::npos) path = path.substr(slash + 1);
  std::string out(path);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The DAC never asks for more than a few MiB at once; a larger request is a bug or garbage.
constexpr ULONG32 kMaxContextSize = 64 * 1024;

}  // namespace

ComPtr<DataTarget> DataTarget::Create(ProcessMemory& memory,
                                      absl::Span<const ThreadState> threads,
                                      absl::Span<const LoadedModule> modules, uint64_t runtime_base) {
  return ComPtr<DataTarget>::Adopt(new DataTarget(memory, threads, modules, runtime_base));
}

DataTarget::DataTarget(ProcessMemory& memory, absl::Span<const ThreadState> threads,
                       absl::Span<const LoadedModule> modules, uint64_t runtime_base)
    : memory_(memory), runtime_base_(runtime_base) {
  // The first thread with a tid, as a scan would find.
  for (const ThreadState& t : threads) {
    threads_by_tid_.try_emplace(static_cast<uint32_t>(t.tid), &t);
  }
  modules_.reserve(modules.size());
  for (const LoadedModule& m : modules) {
    if (m.path.empty()) continue;
    modules_.push_back({LowerFileName(m.path), m.base, m.kind == ModuleKind::kElf});
  }
}

HRESULT DataTarget::QueryInterface(REFIID iid, void** object) {
  if (object == nullptr) return E_POINTER;
  *object = nullptr;
  if (iid == IID_IUnknown || iid == IID_ICLRDataTarget) {
    *object = static_cast<ICLRDataTarget*>(this);
  } else if (iid == IID_ICLRRuntimeLocator && runtime_base_ != 0) {
    *object = static_cast<ICLRRuntimeLocator*>(this);
  } else if (iid == IID_ICorDebugDataTarget4) {
    *object = static_cast<ICorDebugDataTarget4*>(this);
  } else {
    return E_NOINTERFACE;
  }
  AddRef();
  return S_OK;
}

ULONG DataTarget::AddRef() { return refs_.fetch_add(1) + 1; }

ULONG DataTarget::Release() {
  ULONG left = refs_.fetch_sub(1) - 1;
  if (left == 0) delete this;
  return left;
}

HRESULT DataTarget::GetMachineType(ULONG32* machine) {
  if (machine == nullptr) return E_POINTER;
  *machine = kImageFileMachineAmd64;
  return S_OK;
}

HRESULT DataTarget::GetPointerSize(ULONG32* size) {
  if (size == nullptr) return E_POINTER;
  *size = 8;
  return S_OK;
}

HRESULT DataTarget::GetImageBase(const WCHAR* image_path, CLRDATA_ADDRESS* base) {
  if (image_path == nullptr || base == nullptr) return E_POINTER;
  std::string wanted =
      LowerFileName(Utf16ToUtf8(std::u16string_view(image_path, Utf16Length(image_path, 4096))));
  if (wanted.empty()) return E_INVALIDARG;
  const ModuleEntry* best = nullptr;
  for (const ModuleEntry& m : modules_) {
    if (m.file_name != wanted) continue;
    // Prefer the ELF image; among equals the lowest base (modules are sorted by base).
    if (best == nullptr || (m.elf && !best->elf)) best = &m;
  }
  if (best == nullptr) return E_FAIL;
  *base = best->base;
  return S_OK;
}

HRESULT DataTarget::ReadVirtual(CLRDATA_ADDRESS address, BYTE* buffer, ULONG32 size,
                                ULONG32* done) {
  if (done != nullptr) *done = 0;
  if (buffer == nullptr && size != 0) return E_POINTER;
  ++stats_.reads;
  if (size == 0) return S_OK;
  absl::StatusOr<size_t> n = memory_.Read(address, absl::Span<uint8_t>(buffer, size));
  if (!n.ok() || *n == 0) {
    ++stats_.failed_reads;
    return HRESULT_PARTIAL_COPY;
  }
  size_t got = std::min<size_t>(*n, size);
  stats_.bytes_read += got;
  if (done != nullptr) *done = static_cast<ULONG32>(got);
  return S_OK;
}

HRESULT DataTarget::WriteVirtual(CLRDATA_ADDRESS, BYTE*, ULONG32, ULONG32* done) {
  if (done != nullptr) *done = 0;
  return E_NOTIMPL;
}

const ThreadState* DataTarget::FindThread(uint32_t tid) const {
  auto found = threads_by_tid_.find(tid);
  return found == threads_by_tid_.end() ? nullptr : found->second;
}

HRESULT DataTarget::GetTLSValue(ULONG32, ULONG32, CLRDATA_ADDRESS*) { return E_NOTIMPL; }
HRESULT DataTarget::SetTLSValue(ULONG32, ULONG32, CLRDATA_ADDRESS) { return E_NOTIMPL; }
HRESULT DataTarget::GetCurrentThreadID(ULONG32*) { return E_NOTIMPL; }

HRESULT DataTarget::GetThreadContext(ULONG32 thread_id, ULONG32 context_flags, ULONG32 size,
                                     BYTE* context) {
  ++stats_.context_requests;
  if (context == nullptr) return E_POINTER;
  if (size < Amd64ContextOffsets::kRip + 8 || size > kMaxContextSize) return E_INVALIDARG;
  const ThreadState* t = FindThread(thread_id);
  if (t == nullptr) return E_INVALIDARG;
  if (!t->stopped) return E_FAIL;  // no registers were captured for it
  FillAmd64Context(*t, context_flags, absl::Span<uint8_t>(context, size));
  return S_OK;
}

HRESULT DataTarget::SetThreadContext(ULONG32, ULONG32, BYTE*) { return E_NOTIMPL; }
HRESULT DataTarget::Request(ULONG32, ULONG32, BYTE*, ULONG32, BYTE*) { return E_NOTIMPL; }

HRESULT DataTarget::GetRuntimeBase(CLRDATA_ADDRESS* base) {
  if (base == nullptr) return E_POINTER;
  if (runtime_base_ == 0) return E_FAIL;
  *base = runtime_base_;
  return S_OK;
}

HRESULT DataTarget::VirtualUnwind(DWORD, ULONG32, BYTE*) { return E_NOTIMPL; }

}  // namespace ddcrash::dac
