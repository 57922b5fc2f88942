#include "capture/managed_merge.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace ddcrash {
namespace {

CodeKind CodeKindToProto(dac::CodeKind kind) {
  switch (kind) {
    case dac::CodeKind::kJit: return CODE_KIND_JIT;
    case dac::CodeKind::kReadyToRun: return CODE_KIND_READY_TO_RUN;
    case dac::CodeKind::kUnknown: break;
  }
  return CODE_KIND_UNSPECIFIED;
}

// Where a frame sorts on the stack: transition frames are objects on the stack, so their
// address places them; everything else by its stack pointer.
uint64_t StackPosition(const dac::ManagedFrame& frame) {
  if (frame.text->kind == dac::ManagedFrameKind::kRuntimeTransition && frame.frame_address != 0) {
    return frame.frame_address;
  }
  return frame.sp;
}

// A managed method's (or unnamed managed code's) details on `to`: kind, function and the managed
// fields. `to` may be a frame of the native walk, whose own naming (a symbol and its offset)
// gives way.
void SetManagedCodeDetails(const dac::FrameText& text, Frame* to) {
  to->set_kind(text.kind == dac::ManagedFrameKind::kManagedMethod ? FRAME_KIND_MANAGED
                                                                  : FRAME_KIND_UNKNOWN);
  to->set_function(!text.method_signature.empty() ? text.method_signature : text.method);
  to->clear_function_offset();
  to->clear_mangled_function();
  ManagedFrame* managed = to->mutable_managed();
  managed->Clear();  // whatever `to` held is replaced, not merged
  managed->set_method(text.method);
  managed->set_type(text.type);
  managed->set_module_path(text.module_path);
  managed->set_metadata_token(text.token);
  managed->set_il_offset(text.il_offset == dac::kNoIlOffset ? -1
                                                            : static_cast<int32_t>(text.il_offset));
  managed->set_native_offset(text.native_offset);
  managed->set_code_kind(CodeKindToProto(text.code_kind));
  managed->set_source_file(text.source_file);
  managed->set_source_line(text.source_line);
  managed->set_source_column(text.source_column);
}

// Inner exceptions nest; a corrupt chain must not recurse without bound.
constexpr int kMaxInnerExceptions = 32;

Exception ExceptionToProtoAtDepth(const dac::ManagedException& exception, uint32_t tid,
                                  int depth) {
  Exception proto;
  proto.set_type(exception.type);
  proto.set_message(exception.message);
  proto.set_hresult(exception.hresult);
  proto.set_object_address(exception.object);
  // The runtime returns the text it kept when it kept one; otherwise the text is composed
  // from `frames` once the report is complete (capture/exception_text.h).
  if (!exception.stack_trace.empty()) {
    proto.set_stack_trace(absl::StrCat(exception.remote_stack_trace, exception.stack_trace));
  }
  proto.set_remote_stack_trace(exception.remote_stack_trace);
  for (size_t i = 0; i < exception.frames.size(); ++i) {
    Frame* frame = proto.add_frames();
    *frame = ManagedFrameToProto(exception.frames[i]);
    frame->set_index(static_cast<uint32_t>(i));
    frame->clear_sp();  // where the frame was when recorded: on no stack now
  }
  for (uint32_t end : exception.previous_throw_ends) proto.add_previous_throw_ends(end);
  proto.set_frames_omitted(exception.frames_omitted);
  proto.set_tid(tid);
  if (!exception.inner.empty() && depth < kMaxInnerExceptions) {
    *proto.mutable_inner() = ExceptionToProtoAtDepth(exception.inner[0], tid, depth + 1);
  }
  uint32_t omitted = exception.inner_exceptions_omitted;
  for (const dac::ManagedException& inner : exception.inner_exceptions) {
    if (depth < kMaxInnerExceptions) {
      *proto.add_inner_exceptions() = ExceptionToProtoAtDepth(inner, tid, depth + 1);
    } else {
      ++omitted;
    }
  }
  proto.set_inner_exceptions_omitted(omitted);
  return proto;
}

}  // namespace

Frame ManagedFrameToProto(const dac::ManagedFrame& frame) {
  const dac::FrameText& text = *frame.text;
  Frame proto;
  proto.set_sp(StackPosition(frame));
  proto.set_trust(FRAME_TRUST_DAC);
  if (text.kind == dac::ManagedFrameKind::kRuntimeTransition) {
    ManagedFrame* managed = proto.mutable_managed();
    // No ip: the context the DAC holds for an explicit Frame is the native code around it
    // (often libc), not code the frame stands for.
    proto.set_kind(FRAME_KIND_RUNTIME_STUB);
    proto.set_function(absl::StrCat("[", text.transition_frame, "]"));
    managed->set_transition_frame(text.transition_frame);
    if (!text.method.empty()) managed->set_method(text.method);
    return proto;
  }
  proto.set_ip(frame.ip);
  SetManagedCodeDetails(text, &proto);
  return proto;
}

void MergeManagedFrames(const std::vector<dac::ManagedFrame>& managed,
                        google::protobuf::RepeatedPtrField<Frame>* frames) {
  std::vector<bool> named(frames->size(), false);
  std::vector<Frame> inserted;
  std::vector<uint64_t> transition_frames_seen;
  std::vector<const dac::ManagedFrame*> unmatched_methods;
  for (const dac::ManagedFrame& frame : managed) {
    const dac::ManagedFrameKind kind = frame.text->kind;
    if (kind == dac::ManagedFrameKind::kUnknown) continue;
    // The DAC's walk can visit one explicit Frame twice (before and after the managed code it
    // guards, e.g. an InlinedCallFrame around a P/Invoke): one stack object, one frame.
    if (kind == dac::ManagedFrameKind::kRuntimeTransition && frame.frame_address != 0) {
      if (std::find(transition_frames_seen.begin(), transition_frames_seen.end(),
                    frame.frame_address) != transition_frames_seen.end()) {
        continue;
      }
      transition_frames_seen.push_back(frame.frame_address);
    }
    if (kind == dac::ManagedFrameKind::kManagedMethod) {
      int match = -1;
      for (int i = 0; i < frames->size() && match < 0; ++i) {
        if (!named[i] && (*frames)[i].ip() == frame.ip) match = i;
      }
      if (match < 0) {
        unmatched_methods.push_back(&frame);
      } else {
        SetManagedCodeDetails(*frame.text, &(*frames)[match]);
        named[match] = true;
      }
      continue;
    }
    inserted.push_back(ManagedFrameToProto(frame));
  }
  // The same frame reached two ways: the DAC can give a managed frame the ip it saved for a
  // transition (a P/Invoke's call site) where the native walk, at the same stack pointer,
  // found the return address into the method's code. One stack frame, one frame; the native
  // ip is the one the stack holds. (After every exact ip match, which takes precedence.)
  for (const dac::ManagedFrame* frame : unmatched_methods) {
    int match = -1;
    for (int i = 0; i < frames->size() && match < 0; ++i) {
      const Frame& native = (*frames)[i];
      if (!named[i] && native.kind() == FRAME_KIND_UNKNOWN && native.sp() == frame->sp) match = i;
    }
    if (match < 0) {
      inserted.push_back(ManagedFrameToProto(*frame));
      continue;
    }
    Frame& native = (*frames)[match];
    const uint64_t method_start = frame->text->method_start;
    SetManagedCodeDetails(*frame->text, &native);
    if (method_start != 0 && native.ip() >= method_start) {
      native.mutable_managed()->set_native_offset(native.ip() - method_start);
    }
    named[match] = true;
  }
  if (inserted.empty()) return;
  std::stable_sort(inserted.begin(), inserted.end(),
                   [](const Frame& a, const Frame& b) { return a.sp() < b.sp(); });
  // Stable merge by stack position: a native frame and an inserted one at the same sp keep
  // native first (the native frame is the callee side of that boundary).
  std::vector<Frame*> native(frames->size());
  frames->ExtractSubrange(0, frames->size(), native.data());
  frames->Reserve(static_cast<int>(native.size() + inserted.size()));
  size_t n = 0;
  for (Frame& extra : inserted) {
    while (n < native.size() && native[n]->sp() <= extra.sp()) frames->AddAllocated(native[n++]);
    *frames->Add() = std::move(extra);
  }
  while (n < native.size()) frames->AddAllocated(native[n++]);
}

void NameUnlistedManagedCode(const std::vector<dac::ManagedFrame>& named_code,
                             google::protobuf::RepeatedPtrField<Frame>* frames) {
  for (Frame& frame : *frames) {
    if (frame.kind() != FRAME_KIND_UNKNOWN) continue;
    for (const dac::ManagedFrame& code : named_code) {
      if (code.text->kind == dac::ManagedFrameKind::kManagedMethod && code.ip == frame.ip()) {
        SetManagedCodeDetails(*code.text, &frame);
        break;
      }
    }
  }
}

Exception ExceptionToProto(const dac::ManagedException& exception, uint32_t tid) {
  return ExceptionToProtoAtDepth(exception, tid, 0);
}

}  // namespace ddcrash
