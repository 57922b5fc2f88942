#include "unwind/unwinder.h"

#include <elf.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#define UNW_REMOTE_ONLY
#include <libunwind.h>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "elf/eh_frame_hdr.h"
#include "elf/elf_file.h"
#include "elf/image_reader.h"
#include "third_party/libunwind/signal_mask_elision.h"
#include "unwind/frame_pointer.h"
#include "unwind/module_file.h"
#include "unwind/symbolizer.h"

// libunwind exports this (src/dwarf/Gfind_proc_info-lsb.c) but declares it in no public
// header. It searches a binary-search table described by `di` and, for
// UNW_INFO_FORMAT_REMOTE_TABLE, reads the table and the FDEs through the address space's
// access_mem. Any unwind_info it allocates (need_unwind_info) comes from libunwind's own
// memory pool and is released by libunwind itself when the step is done.
extern "C" int _Ux86_64_dwarf_search_unwind_table(unw_addr_space_t as, unw_word_t ip,
                                                  unw_dyn_info_t* di, unw_proc_info_t* pi,
                                                  int need_unwind_info, void* arg);

// libunwind-x86_64.a's generic code sets up a local address space too, whose resume
// accessor (Gresume.o) references _Ux86_64_setcontext; Debian ships that function only in
// libunwind.a (the local unwinder), next to _Unwind_* symbols that would clash with libgcc.
// We never resume a cursor (our resume accessor refuses), so this definition only satisfies
// the linker; reaching it would be a bug.
extern "C" int _Ux86_64_setcontext(const void*) { std::abort(); }

namespace ddcrash {
namespace {

constexpr int kNumRegs = UNW_X86_64_RIP + 1;
constexpr uint64_t kMaxEhFrameHdrSize = 64 << 20;

void RegsFromThread(const user_regs_struct& r, uint64_t* regs) {
  regs[UNW_X86_64_RAX] = r.rax;
  regs[UNW_X86_64_RDX] = r.rdx;
  regs[UNW_X86_64_RCX] = r.rcx;
  regs[UNW_X86_64_RBX] = r.rbx;
  regs[UNW_X86_64_RSI] = r.rsi;
  regs[UNW_X86_64_RDI] = r.rdi;
  regs[UNW_X86_64_RBP] = r.rbp;
  regs[UNW_X86_64_RSP] = r.rsp;
  regs[UNW_X86_64_R8] = r.r8;
  regs[UNW_X86_64_R9] = r.r9;
  regs[UNW_X86_64_R10] = r.r10;
  regs[UNW_X86_64_R11] = r.r11;
  regs[UNW_X86_64_R12] = r.r12;
  regs[UNW_X86_64_R13] = r.r13;
  regs[UNW_X86_64_R14] = r.r14;
  regs[UNW_X86_64_R15] = r.r15;
  regs[UNW_X86_64_RIP] = r.rip;
}

}  // namespace

struct RemoteUnwinder::Context {
  RemoteUnwinder* self = nullptr;
  uint64_t regs[kNumRegs] = {};
};

// The C callbacks libunwind calls; friends of RemoteUnwinder.
struct RemoteUnwinderCallbacks {
  static RemoteUnwinder& Self(void* arg) { return *static_cast<RemoteUnwinder::Context*>(arg)->self; }

  static int FindProcInfo(unw_addr_space_t as, unw_word_t ip, unw_proc_info_t* pi,
                          int need_unwind_info, void* arg);

  static void PutUnwindInfo(unw_addr_space_t, unw_proc_info_t*, void* arg) {
    // Our find_proc_info allocates nothing: the unw_dyn_info_t lives on its stack, and the
    // CIE info dwarf_search_unwind_table attaches comes from libunwind's memory pool, which
    // libunwind releases itself (it calls this accessor only for dynamically registered
    // procedures, which we never report). So there is nothing to free here.
    Self(arg).stats_.put_unwind_info_calls++;
  }

  static int GetDynInfoListAddr(unw_addr_space_t, unw_word_t*, void*) { return -UNW_ENOINFO; }

  static int AccessMem(unw_addr_space_t, unw_word_t addr, unw_word_t* val, int write, void* arg) {
    if (write) return -UNW_EREADONLYREG;
    absl::StatusOr<uint64_t> word = Self(arg).memory_.ReadValue<uint64_t>(addr);
    if (!word.ok()) return -UNW_EINVAL;
    *val = *word;
    return 0;
  }

  static int AccessReg(unw_addr_space_t, unw_regnum_t reg, unw_word_t* val, int write,
                       void* arg) {
    auto* context = static_cast<RemoteUnwinder::Context*>(arg);
    if (reg < 0 || reg >= kNumRegs) return -UNW_EBADREG;
    if (write) return -UNW_EREADONLYREG;
    *val = context->regs[reg];
    return 0;
  }

  // This libunwind build (no CONFIG_MSABI_SUPPORT) defines no floating-point registers for
  // x86-64, and DWARF unwinding on x86-64 never restores any.
  static int AccessFpreg(unw_addr_space_t, unw_regnum_t, unw_fpreg_t*, int, void*) {
    return -UNW_EBADREG;
  }

  static int Resume(unw_addr_space_t, unw_cursor_t*, void*) { return -UNW_EINVAL; }

  static int GetProcName(unw_addr_space_t, unw_word_t ip, char* buf, size_t len,
                         unw_word_t* offp, void* arg) {
    RemoteUnwinder& self = Self(arg);
    if (self.symbolizer_ == nullptr || len == 0) return -UNW_ENOINFO;
    const LoadedModule* module = self.modules_.FindModule(ip);
    if (module == nullptr) return -UNW_ENOINFO;
    absl::StatusOr<SymbolInfo> info = self.symbolizer_->Symbolize(*module, ip);
    if (!info.ok()) return -UNW_ENOINFO;
    *offp = info->offset;
    size_t n = std::min(len - 1, info->mangled_name.size());
    std::memcpy(buf, info->mangled_name.data(), n);
    buf[n] = '\0';
    return n < info->mangled_name.size() ? -UNW_ENOMEM : 0;
  }
};

int RemoteUnwinderCallbacks::FindProcInfo(unw_addr_space_t as, unw_word_t ip, unw_proc_info_t* pi,
                            int need_unwind_info, void* arg) {
  RemoteUnwinder& self = Self(arg);
  self.stats_.find_proc_info_calls++;
  const LoadedModule* module = self.modules_.FindModule(ip);
  // Non-ELF modules (PE images, anonymous JIT code, other files) have no DWARF tables: say so
  // without opening, let alone mapping, anything.
  if (module == nullptr || module->kind != ModuleKind::kElf) return -UNW_ENOINFO;
  const RemoteUnwinder::ModuleTable& table = self.TableFor(*module);
  if (!table.status.ok()) return -UNW_ENOINFO;
  unw_dyn_info_t di;
  std::memset(&di, 0, sizeof(di));
  di.format = UNW_INFO_FORMAT_REMOTE_TABLE;
  di.start_ip = module->base;
  di.end_ip = module->end;
  di.gp = 0;
  di.u.rti.name_ptr = 0;
  di.u.rti.segbase = table.hdr_address;
  di.u.rti.table_data = table.table_address;
  // In words: each entry is two int32 values.
  di.u.rti.table_len = table.fde_count * 8 / sizeof(unw_word_t);
  int r = _Ux86_64_dwarf_search_unwind_table(as, ip, &di, pi, need_unwind_info, arg);
  if (r >= 0) self.stats_.find_proc_info_hits++;
  return r;
}

RemoteUnwinder::RemoteUnwinder(ProcessMemory& memory, const ModuleMap& modules,
                               std::optional<pid_t> pid, Symbolizer* symbolizer)
    : memory_(memory),
      modules_(modules),
      pid_(pid),
      symbolizer_(symbolizer),
      context_(std::make_unique<Context>()) {
  context_->self = this;
  unw_accessors_t accessors;
  std::memset(&accessors, 0, sizeof(accessors));
  accessors.find_proc_info = &RemoteUnwinderCallbacks::FindProcInfo;
  accessors.put_unwind_info = &RemoteUnwinderCallbacks::PutUnwindInfo;
  accessors.get_dyn_info_list_addr = &RemoteUnwinderCallbacks::GetDynInfoListAddr;
  accessors.access_mem = &RemoteUnwinderCallbacks::AccessMem;
  accessors.access_reg = &RemoteUnwinderCallbacks::AccessReg;
  accessors.access_fpreg = &RemoteUnwinderCallbacks::AccessFpreg;
  accessors.resume = &RemoteUnwinderCallbacks::Resume;
  accessors.get_proc_name = &RemoteUnwinderCallbacks::GetProcName;
  unw_addr_space_t as = unw_create_addr_space(&accessors, 0);
  // Per-thread caching would need no lock, but only a libunwind built with
  // --enable-per-thread-cache has it: Debian's keeps the global policy, whose lock's signal
  // blocking Unwind elides (signal_mask_elision.h). Caching stays: without it the walk of
  // 1,009 .NET threads took 2.5 times as long.
  if (as != nullptr) unw_set_caching_policy(as, UNW_CACHE_PER_THREAD);
  address_space_ = as;
}

RemoteUnwinder::~RemoteUnwinder() {
  if (address_space_ != nullptr) {
    unw_destroy_addr_space(static_cast<unw_addr_space_t>(address_space_));
  }
}

const RemoteUnwinder::ModuleTable& RemoteUnwinder::TableFor(const LoadedModule& module) {
  auto it = tables_.find(module.base);
  if (it != tables_.end()) return it->second;
  ModuleTable table = LoadTable(module);
  if (table.status.ok()) {
    stats_.modules_with_tables++;
  } else {
    stats_.modules_without_tables++;
  }
  return tables_.emplace(module.base, std::move(table)).first->second;
}

namespace {

absl::Status FillTable(absl::Span<const uint8_t> bytes, uint64_t hdr_address, const LoadedModule& module,
                       RemoteUnwinder::ModuleTable& table) {
  absl::StatusOr<EhFrameHdr> hdr = ParseEhFrameHdr(bytes, hdr_address);
  if (!hdr.ok()) return hdr.status();
  if (!hdr->has_search_table) {
    return absl::UnimplementedError(".eh_frame_hdr has no binary-search table");
  }
  if (!module.Contains(hdr_address)) {
    return absl::FailedPreconditionError(".eh_frame_hdr lies outside the module");
  }
  table.hdr_address = hdr_address;
  table.table_address = hdr_address + hdr->table_offset;
  table.fde_count = hdr->fde_count;
  return absl::OkStatus();
}

}  // namespace

RemoteUnwinder::ModuleTable RemoteUnwinder::LoadTable(const LoadedModule& module) {
  ModuleTable table;
  // Run-time addresses of the table come from the module map's load bias (computed once,
  // from the same program headers).
  if (!module.load_bias.has_value()) {
    table.status = absl::FailedPreconditionError("load bias unknown: program headers unreadable");
    return table;
  }
  const uint64_t bias = *module.load_bias;
  // From the file on disk (pread; nothing is mapped).
  absl::StatusOr<std::unique_ptr<ElfFile>> elf = OpenModuleElf(module, pid_, nullptr);
  if (elf.ok()) {
    std::optional<ElfProgramHeader> segment = (*elf)->EhFrameHdrSegment();
    if (!segment.has_value()) {
      table.status = absl::NotFoundError("no .eh_frame_hdr (.debug_frame is not used)");
      return table;
    }
    if (segment->filesz > kMaxEhFrameHdrSize) {
      table.status = absl::OutOfRangeError(".eh_frame_hdr too large");
      return table;
    }
    absl::StatusOr<std::string> bytes = (*elf)->ReadAt(segment->offset, segment->filesz);
    if (!bytes.ok()) {
      table.status = bytes.status();
      return table;
    }
    table.status = FillTable(
        absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size()),
        segment->vaddr + bias, module, table);
    return table;
  }

  // The file is unreadable (gone, another mount namespace, [vdso]): find .eh_frame_hdr
  // through the ELF and program headers mapped at the module's base.
  if (module.file_offset != 0) {
    table.status = absl::NotFoundError(
        absl::StrCat("file unreadable (", elf.status().message(), ") and headers not mapped"));
    return table;
  }
  auto read_memory = [this](uint64_t address, size_t size) -> absl::StatusOr<std::vector<uint8_t>> {
    std::vector<uint8_t> bytes(size);
    absl::Status status = memory_.ReadExact(address, absl::MakeSpan(bytes));
    if (!status.ok()) return status;
    return bytes;
  };
  absl::StatusOr<std::vector<ElfProgramHeader>> headers =
      ReadProgramHeaders(read_memory, module.base);
  if (!headers.ok()) {
    table.status = absl::NotFoundError(
        absl::StrCat("no ELF headers in target memory: ", headers.status().message()));
    return table;
  }
  const ElfProgramHeader* eh_frame_hdr = nullptr;
  for (const ElfProgramHeader& h : *headers) {
    if (h.type == PT_GNU_EH_FRAME) eh_frame_hdr = &h;
  }
  if (eh_frame_hdr == nullptr || eh_frame_hdr->memsz > kMaxEhFrameHdrSize) {
    table.status = absl::NotFoundError("no PT_GNU_EH_FRAME in target memory");
    return table;
  }
  uint64_t hdr_address = eh_frame_hdr->vaddr + bias;
  absl::StatusOr<std::vector<uint8_t>> bytes = read_memory(hdr_address, eh_frame_hdr->memsz);
  if (!bytes.ok()) {
    table.status = bytes.status();
    return table;
  }
  table.status = FillTable(*bytes, hdr_address, module, table);
  return table;
}

bool RemoteUnwinder::HasUnwindInfo(uint64_t address) {
  if (address_space_ == nullptr) return false;
  // The target is stopped: the answer for an address cannot change during the snapshot.
  auto [it, inserted] = has_unwind_info_.try_emplace(address, false);
  if (!inserted) return it->second;
  unw_proc_info_t pi;
  std::memset(&pi, 0, sizeof(pi));
  it->second = RemoteUnwinderCallbacks::FindProcInfo(static_cast<unw_addr_space_t>(address_space_),
                                                     address, &pi, 0, context_.get()) >= 0;
  return it->second;
}

absl::StatusOr<UnwoundStack> RemoteUnwinder::Unwind(const ThreadState& thread,
                                                    const UnwindOptions& options) {
  if (!thread.stopped) {
    return absl::FailedPreconditionError(
        absl::StrCat("thread ", thread.tid, " not stopped: ", thread.error));
  }
  if (address_space_ == nullptr) return absl::InternalError("unw_create_addr_space failed");
  auto as = static_cast<unw_addr_space_t>(address_space_);
  const ScopedSignalMaskElision no_signal_mask_changes;
  RegsFromThread(thread.regs, context_->regs);
  unw_cursor_t cursor;
  int r = unw_init_remote(&cursor, as, context_.get());
  if (r < 0) return absl::InternalError(absl::StrCat("unw_init_remote: ", unw_strerror(r)));

  UnwoundStack out;
  const size_t max_frames = std::max<size_t>(options.max_frames, 1);
  NativeFrame first;
  first.ip = thread.regs.rip;
  first.sp = thread.regs.rsp;
  first.trust = NativeFrameTrust::kContext;
  first.ip_is_exact = true;
  out.frames.push_back(first);
  absl::flat_hash_set<std::pair<uint64_t, uint64_t>> seen;
  seen.insert({first.ip, first.sp});

  for (;;) {
    if (out.frames.size() >= max_frames) {
      out.truncated = true;
      out.end = WalkEnd::kFrameLimit;
      break;
    }
    const size_t index = out.frames.size() - 1;
    const uint64_t cur_ip = out.frames[index].ip;
    const uint64_t cur_sp = out.frames[index].sp;
    // The rt_sigreturn trampoline (__restore_rt) is recognized by its code, as libunwind's
    // unw_is_signal_frame does; we do not ask the cursor, whose answer lingers one frame
    // after it has stepped through a signal frame. Its ip is where the kernel "returns" to,
    // not a return address after a call: exact.
    const bool signal_frame = IsSigreturnTrampoline(memory_, cur_ip);
    out.frames[index].is_signal_frame = signal_frame;
    if (signal_frame) out.frames[index].ip_is_exact = true;

    uint64_t new_ip = 0, new_sp = 0;
    NativeFrameTrust trust = NativeFrameTrust::kCfi;
    bool cfi_failed = false;
    bool stepped = false;
    const Mapping* code = modules_.FindMapping(cur_ip);
    bool ip_executable = code != nullptr && code->executable;

    if (signal_frame || HasUnwindInfo(out.frames[index].LookupAddress())) {
      int s = unw_step(&cursor);
      if (s == 0) {
        out.end = WalkEnd::kOutermostFrame;
        break;
      }
      if (s > 0) {
        unw_word_t ip = 0, sp = 0;
        unw_get_reg(&cursor, UNW_REG_IP, &ip);
        unw_get_reg(&cursor, UNW_REG_SP, &sp);
        new_ip = ip;
        new_sp = sp;
        stepped = true;
        if (!signal_frame) out.frames[index].cfa = new_sp;
      } else {
        cfi_failed = true;
      }
    } else if (index == 0 && !ip_executable) {
      // Frame 0 jumped to a bad address (a call through a null or wild pointer): the return
      // address the call pushed is still at the top of the stack.
      absl::StatusOr<uint64_t> ret = memory_.ReadValue<uint64_t>(cur_sp);
      const Mapping* ret_code = ret.ok() ? modules_.FindMapping(*ret) : nullptr;
      if (ret_code == nullptr || !ret_code->executable) {
        out.end = WalkEnd::kBadInstructionPointer;
        break;
      }
      new_ip = *ret;
      new_sp = cur_sp + 8;
      trust = NativeFrameTrust::kScan;
      stepped = true;
      uint64_t regs[kNumRegs];
      std::memcpy(regs, context_->regs, sizeof(regs));
      regs[UNW_X86_64_RIP] = IsSigreturnTrampoline(memory_, new_ip) ? new_ip : new_ip - 1;
      regs[UNW_X86_64_RSP] = new_sp;
      std::memcpy(context_->regs, regs, sizeof(regs));
      if (unw_init_remote(&cursor, as, context_.get()) < 0) {
        out.end = WalkEnd::kUnwinderError;
        break;
      }
    }

    if (!stepped) {
      const WalkEnd why = cfi_failed ? WalkEnd::kCfiFailed : WalkEnd::kNoUnwindInfo;
      if (!options.frame_pointer_fallback) {
        out.end = why;
        break;
      }
      unw_word_t rbp = 0, sp = 0;
      unw_get_reg(&cursor, UNW_X86_64_RBP, &rbp);
      unw_get_reg(&cursor, UNW_REG_SP, &sp);
      absl::StatusOr<FramePointerStep> step = StepFramePointer(memory_, modules_, sp, rbp);
      if (!step.ok()) {
        // StepFramePointer fails with FailedPrecondition for an implausible chain and passes
        // on the memory reader's error otherwise.
        out.end = absl::IsFailedPrecondition(step.status()) ? why : WalkEnd::kUnreadableStack;
        break;
      }
      // Restart CFI unwinding from the recovered registers. Callee-saved registers other
      // than rbp keep the values the cursor has (the rbp chain says nothing about them). The
      // cursor gets ip - 1 for a return address, so libunwind looks up and evaluates the CFI
      // row of the call instruction (as it does itself for return addresses).
      uint64_t regs[kNumRegs];
      for (int reg = 0; reg < kNumRegs; ++reg) {
        unw_word_t value = 0;
        regs[reg] = unw_get_reg(&cursor, reg, &value) == 0 ? value : 0;
      }
      regs[UNW_X86_64_RBP] = step->rbp;
      regs[UNW_X86_64_RSP] = step->sp;
      regs[UNW_X86_64_RIP] =
          IsSigreturnTrampoline(memory_, step->ip) ? step->ip : step->ip - 1;
      std::memcpy(context_->regs, regs, sizeof(regs));
      if (unw_init_remote(&cursor, as, context_.get()) < 0) {
        out.end = WalkEnd::kUnwinderError;
        break;
      }
      new_ip = step->ip;
      new_sp = step->sp;
      trust = NativeFrameTrust::kFramePointer;
      out.frames[index].cfa = new_sp;
    }

    if (new_ip == 0) {
      out.end = WalkEnd::kOutermostFrame;
      break;
    }
    if (!signal_frame && new_sp <= cur_sp) {
      out.end = WalkEnd::kLoop;
      break;
    }
    if (!seen.insert({new_ip, new_sp}).second) {
      out.end = WalkEnd::kLoop;
      break;
    }
    NativeFrame frame;
    frame.ip = new_ip;
    frame.sp = new_sp;
    frame.trust = trust;
    frame.ip_is_exact = signal_frame;  // the interrupted instruction, not a return address
    out.frames.push_back(frame);
  }
  return out;
}

}  // namespace ddcrash
