#include "capture/report_conversion.h"

#include "absl/strings/escaping.h"

namespace ddcrash {
namespace {

FrameTrust TrustToProto(NativeFrameTrust trust) {
  switch (trust) {
    case NativeFrameTrust::kContext: return FRAME_TRUST_CONTEXT;
    case NativeFrameTrust::kCfi: return FRAME_TRUST_CFI;
    case NativeFrameTrust::kFramePointer: return FRAME_TRUST_FRAME_POINTER;
    case NativeFrameTrust::kScan: return FRAME_TRUST_SCAN;
  }
  return FRAME_TRUST_UNSPECIFIED;
}

ModuleFormat FormatToProto(ModuleKind kind) {
  switch (kind) {
    case ModuleKind::kElf: return MODULE_FORMAT_ELF;
    case ModuleKind::kPe: return MODULE_FORMAT_PE;
    case ModuleKind::kAnonymousExecutable: return MODULE_FORMAT_ANONYMOUS;
    case ModuleKind::kOtherFile: return MODULE_FORMAT_OTHER_FILE;
  }
  return MODULE_FORMAT_UNSPECIFIED;
}

}  // namespace

Module ModuleToProto(const LoadedModule& module) {
  Module proto;
  proto.set_path(module.path);
  proto.set_base(module.base);
  proto.set_size(module.end - module.base);
  proto.set_file_offset(module.file_offset);
  proto.set_build_id(absl::BytesToHexString(module.build_id));
  proto.set_format(FormatToProto(module.kind));
  proto.set_deleted(module.deleted);
  proto.set_executable(module.executable);
  if (module.bundled.has_value()) {
    BundledLocation* bundled = proto.mutable_bundled();
    bundled->set_executable(module.bundled->path);
    bundled->set_offset(module.bundled->offset);
    bundled->set_size(module.bundled->size);
  }
  return proto;
}

Registers RegistersToProto(const ThreadState& thread) {
  const user_regs_struct& r = thread.regs;
  Registers proto;
  proto.set_rax(r.rax);
  proto.set_rbx(r.rbx);
  proto.set_rcx(r.rcx);
  proto.set_rdx(r.rdx);
  proto.set_rsi(r.rsi);
  proto.set_rdi(r.rdi);
  proto.set_rbp(r.rbp);
  proto.set_rsp(r.rsp);
  proto.set_r8(r.r8);
  proto.set_r9(r.r9);
  proto.set_r10(r.r10);
  proto.set_r11(r.r11);
  proto.set_r12(r.r12);
  proto.set_r13(r.r13);
  proto.set_r14(r.r14);
  proto.set_r15(r.r15);
  proto.set_rip(r.rip);
  proto.set_eflags(r.eflags);
  proto.set_cs(r.cs);
  proto.set_ss(r.ss);
  proto.set_ds(r.ds);
  proto.set_es(r.es);
  proto.set_fs(r.fs);
  proto.set_gs(r.gs);
  proto.set_fs_base(r.fs_base);
  proto.set_gs_base(r.gs_base);
  proto.set_orig_rax(r.orig_rax);
  if (thread.has_fpregs) {
    proto.set_fpregs(reinterpret_cast<const char*>(&thread.fpregs), sizeof(thread.fpregs));
  }
  return proto;
}

Frame NativeFrameToProto(const NativeFrame& frame) {
  Frame proto;
  proto.set_ip(frame.ip);
  proto.set_sp(frame.sp);
  if (frame.cfa) proto.set_cfa(*frame.cfa);
  proto.set_trust(TrustToProto(frame.trust));
  proto.set_function(frame.function);
  if (frame.mangled_name != frame.function) proto.set_mangled_function(frame.mangled_name);
  proto.set_function_offset(frame.function_offset);
  if (frame.is_signal_frame) proto.set_kind(FRAME_KIND_SIGNAL_TRAMPOLINE);
  return proto;
}

UnwindEnd UnwindEndToProto(WalkEnd end) {
  switch (end) {
    case WalkEnd::kOutermostFrame: return UNWIND_END_OUTERMOST_FRAME;
    case WalkEnd::kNoUnwindInfo: return UNWIND_END_NO_UNWIND_INFO;
    case WalkEnd::kCfiFailed: return UNWIND_END_CFI_FAILED;
    case WalkEnd::kBadInstructionPointer: return UNWIND_END_BAD_INSTRUCTION_POINTER;
    case WalkEnd::kUnreadableStack: return UNWIND_END_UNREADABLE_STACK;
    case WalkEnd::kLoop: return UNWIND_END_LOOP;
    case WalkEnd::kFrameLimit: return UNWIND_END_FRAME_LIMIT;
    case WalkEnd::kUnwinderError: return UNWIND_END_UNWINDER_ERROR;
  }
  return UNWIND_END_UNSPECIFIED;
}

}  // namespace ddcrash
