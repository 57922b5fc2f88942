#include "dac/amd64_context.h"

#include <algorithm>
#include <cstring>

namespace ddcrash::dac {
namespace {

template <typename T>
void Put(absl::Span<uint8_t> out, size_t offset, T value) {
  if (offset + sizeof(T) <= out.size()) std::memcpy(out.data() + offset, &value, sizeof(T));
}

}  // namespace

void FillAmd64Context(const ThreadState& thread, uint32_t flags, absl::Span<uint8_t> out) {
  using O = Amd64ContextOffsets;
  std::fill(out.begin(), out.end(), 0);
  const user_regs_struct& r = thread.regs;
  Put<uint32_t>(out, O::kContextFlags, flags);
  auto has = [flags](uint32_t part) { return (flags & part) == part; };
  if (has(kContextControl)) {
    Put<uint16_t>(out, O::kSegCs, static_cast<uint16_t>(r.cs));
    Put<uint16_t>(out, O::kSegSs, static_cast<uint16_t>(r.ss));
    Put<uint32_t>(out, O::kEFlags, static_cast<uint32_t>(r.eflags));
    Put<uint64_t>(out, O::kRsp, r.rsp);
    Put<uint64_t>(out, O::kRbp, r.rbp);  // the PAL counts Rbp as a control register
    Put<uint64_t>(out, O::kRip, r.rip);
  }
  if (has(kContextInteger)) {
    Put<uint64_t>(out, O::kRax, r.rax);
    Put<uint64_t>(out, O::kRcx, r.rcx);
    Put<uint64_t>(out, O::kRdx, r.rdx);
    Put<uint64_t>(out, O::kRbx, r.rbx);
    Put<uint64_t>(out, O::kRsi, r.rsi);
    Put<uint64_t>(out, O::kRdi, r.rdi);
    const uint64_t high[8] = {r.r8, r.r9, r.r10, r.r11, r.r12, r.r13, r.r14, r.r15};
    for (size_t i = 0; i < 8; ++i) Put<uint64_t>(out, O::kR8 + 8 * i, high[i]);
  }
  if (has(kContextSegments)) {
    Put<uint16_t>(out, O::kSegDs, static_cast<uint16_t>(r.ds));
    Put<uint16_t>(out, O::kSegEs, static_cast<uint16_t>(r.es));
    Put<uint16_t>(out, O::kSegFs, static_cast<uint16_t>(r.fs));
    Put<uint16_t>(out, O::kSegGs, static_cast<uint16_t>(r.gs));
  }
  if (has(kContextFloatingPoint) && thread.has_fpregs) {
    // user_fpregs_struct is the 512-byte FXSAVE image, which is exactly XMM_SAVE_AREA32.
    static_assert(sizeof(user_fpregs_struct) == O::kFltSaveSize);
    if (O::kFltSave < out.size()) {
      size_t n = std::min(O::kFltSaveSize, out.size() - O::kFltSave);
      std::memcpy(out.data() + O::kFltSave, &thread.fpregs, n);
    }
    Put<uint32_t>(out, O::kMxCsr, thread.fpregs.mxcsr);
  }
}

uint64_t ReadContextRegister(absl::Span<const uint8_t> context, size_t offset) {
  uint64_t v = 0;
  if (offset + sizeof(v) <= context.size()) std::memcpy(&v, context.data() + offset, sizeof(v));
  return v;
}

}  // namespace ddcrash::dac
