// The Windows-layout AMD64 CONTEXT the DAC expects from ICLRDataTarget::GetThreadContext
// (DT_CONTEXT, 0x4D0 bytes), filled from a captured Linux thread state, and the offsets of the
// registers we read back from the DAC's stack-walk contexts.
#ifndef DDCRASH_DAC_AMD64_CONTEXT_H_
#define DDCRASH_DAC_AMD64_CONTEXT_H_

#include <cstddef>
#include <cstdint>

#include "absl/types/span.h"
#include "ptrace/thread_state.h"

namespace ddcrash::dac {

// ContextFlags bits (CONTEXT_AMD64 | part).
inline constexpr uint32_t kContextAmd64 = 0x00100000;
inline constexpr uint32_t kContextControl = kContextAmd64 | 0x1;
inline constexpr uint32_t kContextInteger = kContextAmd64 | 0x2;
inline constexpr uint32_t kContextSegments = kContextAmd64 | 0x4;
inline constexpr uint32_t kContextFloatingPoint = kContextAmd64 | 0x8;
inline constexpr uint32_t kContextDebugRegisters = kContextAmd64 | 0x10;
inline constexpr uint32_t kContextFull = kContextControl | kContextInteger | kContextFloatingPoint;
inline constexpr uint32_t kContextAll =
    kContextFull | kContextSegments | kContextDebugRegisters;  // 0x10001F

// Byte offsets in the Windows AMD64 CONTEXT.
struct Amd64ContextOffsets {
  static constexpr size_t kContextFlags = 0x30;
  static constexpr size_t kMxCsr = 0x34;
  static constexpr size_t kSegCs = 0x38;
  static constexpr size_t kSegDs = 0x3A;
  static constexpr size_t kSegEs = 0x3C;
  static constexpr size_t kSegFs = 0x3E;
  static constexpr size_t kSegGs = 0x40;
  static constexpr size_t kSegSs = 0x42;
  static constexpr size_t kEFlags = 0x44;
  static constexpr size_t kRax = 0x78;
  static constexpr size_t kRcx = 0x80;
  static constexpr size_t kRdx = 0x88;
  static constexpr size_t kRbx = 0x90;
  static constexpr size_t kRsp = 0x98;
  static constexpr size_t kRbp = 0xA0;
  static constexpr size_t kRsi = 0xA8;
  static constexpr size_t kRdi = 0xB0;
  static constexpr size_t kR8 = 0xB8;  // R9..R15 follow, 8 bytes each
  static constexpr size_t kRip = 0xF8;
  static constexpr size_t kFltSave = 0x100;  // 512-byte FXSAVE image
  static constexpr size_t kFltSaveSize = 512;
  static constexpr size_t kXmm0 = 0x1A0;
  static constexpr size_t kSize = 0x4D0;
};

// Fills `out` (any size; nothing is written past its end, bytes beyond 0x4D0 are zeroed) with
// the parts of `thread`'s registers that `flags` asks for, in the Windows AMD64 CONTEXT layout,
// and stores `flags` in ContextFlags. Floating point is filled only when the thread has fpregs.
void FillAmd64Context(const ThreadState& thread, uint32_t flags, absl::Span<uint8_t> out);

// Reads a 64-bit register at `offset` of a context buffer; 0 when the buffer is too short.
uint64_t ReadContextRegister(absl::Span<const uint8_t> context, size_t offset);

}  // namespace ddcrash::dac

#endif  // DDCRASH_DAC_AMD64_CONTEXT_H_
