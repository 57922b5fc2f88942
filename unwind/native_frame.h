// One native frame of an unwound thread, and how far to trust it.
#ifndef DDCRASH_UNWIND_NATIVE_FRAME_H_
#define DDCRASH_UNWIND_NATIVE_FRAME_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ddcrash {

// How a frame's registers were recovered (the report layer maps this to its own enum).
enum class NativeFrameTrust {
  kContext,       // frame 0: the thread's captured registers
  kCfi,           // DWARF call-frame information (.eh_frame) of the callee
  kFramePointer,  // the callee's rbp chain: [rbp] = caller's rbp, [rbp+8] = return address
  kScan,          // the word at the stack pointer taken as the return address (frame 0 called a
                  // bad pointer); no wider stack scanning
};

const char* FrameTrustName(NativeFrameTrust trust);

struct NativeFrame {
  uint64_t ip = 0;  // for frames above 0, a return address (unless `ip_is_exact`)
  uint64_t sp = 0;
  std::optional<uint64_t> cfa;  // the frame's canonical frame address, when known
  NativeFrameTrust trust = NativeFrameTrust::kContext;
  // This frame is the kernel's signal return trampoline (__restore_rt): the frame above it is
  // the interrupted context.
  bool is_signal_frame = false;
  // True for frame 0 and for frames interrupted by a signal: `ip` is the exact instruction,
  // not a return address.
  bool ip_is_exact = false;

  // Filled by symbolization (SymbolizeFrames). Which module a frame is in is the report's
  // business (ReportBuilder::AddFrame), not the walk's.
  std::string function;        // demangled; empty when unknown
  std::string mangled_name;
  uint64_t function_offset = 0;  // ip - symbol start

  // The address to look up for symbolization and unwind info: ip - 1 for return addresses,
  // so a call that ends a function is attributed to that function and not the next.
  uint64_t LookupAddress() const { return ip_is_exact || ip == 0 ? ip : ip - 1; }
};

// Why a native walk ended (report.proto's UnwindEnd says the same to readers).
enum class WalkEnd {
  kOutermostFrame,         // the clean end: the outermost frame has no caller
  kNoUnwindInfo,           // no CFI for the ip, and the frame-pointer chain gave no caller
  kCfiFailed,              // the CFI step failed, and the frame-pointer chain gave no caller
  kBadInstructionPointer,  // frame 0 is not in executable memory, nor is the word at its sp
  kUnreadableStack,        // the frame-pointer chain led to stack memory that cannot be read
  kLoop,                   // the caller's sp was not above the callee's, or (ip, sp) repeated
  kFrameLimit,             // UnwindOptions::max_frames frames; more may exist
  kUnwinderError,          // libunwind refused to (re)start from the recovered registers
};

struct UnwoundStack {
  std::vector<NativeFrame> frames;
  // The frame cap was reached; more frames may exist.
  bool truncated = false;
  WalkEnd end = WalkEnd::kOutermostFrame;
  bool reached_end() const { return end == WalkEnd::kOutermostFrame; }
};

}  // namespace ddcrash

#endif  // DDCRASH_UNWIND_NATIVE_FRAME_H_
