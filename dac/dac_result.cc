#include "dac/dac_result.h"

#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "dac/dac_result.pb.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl.h"

namespace ddcrash::dac {
namespace {

// ManagedState.strings while it is written: each distinct text once, "" at index 0. The
// keys are views of the table's own strings (a RepeatedPtrField never moves its elements), so
// the state being written may be freed as it goes.
class StringTable {
 public:
  explicit StringTable(google::protobuf::RepeatedPtrField<std::string>* out) : out_(out) {
    Ref(std::string_view());
  }
  uint32_t Ref(std::string_view text) {
    if (auto found = index_.find(text); found != index_.end()) return found->second;
    const uint32_t ref = static_cast<uint32_t>(out_->size());
    std::string* stored = out_->Add();
    stored->assign(text.data(), text.size());
    index_.emplace(*stored, ref);
    return ref;
  }

 private:
  google::protobuf::RepeatedPtrField<std::string>* out_;
  absl::flat_hash_map<std::string_view, uint32_t> index_;
};

void FrameToWire(const ManagedFrame& f, StringTable& strings, wire::ManagedFrame* w) {
  w->set_ip(f.ip);
  w->set_sp(f.sp);
  w->set_kind(static_cast<wire::ManagedFrame::Kind>(f.kind));
  w->set_method_signature(strings.Ref(f.method_signature));
  w->set_method(strings.Ref(f.method));
  w->set_type(strings.Ref(f.type));
  w->set_module_path(strings.Ref(f.module_path));
  w->set_token(f.token);
  w->set_il_offset(f.il_offset);
  w->set_native_offset(f.native_offset);
  w->set_method_start(f.method_start);
  w->set_method_desc(f.method_desc);
  w->set_code_kind(static_cast<wire::ManagedFrame::CodeKind>(f.code_kind));
  w->set_transition_frame(strings.Ref(f.transition_frame));
  w->set_frame_address(f.frame_address);
  w->set_source_file(strings.Ref(f.source_file));
  w->set_source_line(f.source_line);
  w->set_source_column(f.source_column);
}

void FramesToWire(const std::vector<ManagedFrame>& frames, StringTable& strings,
                  google::protobuf::RepeatedPtrField<wire::ManagedFrame>* out) {
  out->Reserve(static_cast<int>(frames.size()));
  for (const ManagedFrame& f : frames) FrameToWire(f, strings, out->Add());
}

void ExceptionToWire(const ManagedException& e, int depth, StringTable& strings,
                     wire::ManagedException* w) {
  w->set_object(e.object);
  w->set_type(e.type);
  w->set_message(e.message);
  w->set_hresult(e.hresult);
  w->set_stack_trace(e.stack_trace);
  w->set_inner_exceptions_omitted(e.inner_exceptions_omitted);
  w->set_remote_stack_trace(e.remote_stack_trace);
  FramesToWire(e.frames, strings, w->mutable_frames());
  for (uint32_t end : e.previous_throw_ends) w->add_previous_throw_ends(end);
  w->set_frames_omitted(e.frames_omitted);
  if (depth >= kMaxWireExceptionDepth) return;
  for (const ManagedException& inner : e.inner) {
    ExceptionToWire(inner, depth + 1, strings, w->add_inner());
  }
  for (const ManagedException& inner : e.inner_exceptions) {
    ExceptionToWire(inner, depth + 1, strings, w->add_inner_exceptions());
  }
}

using Strings = google::protobuf::RepeatedPtrField<std::string>;

// The text at `index` of ManagedState.strings; false when there is none.
bool StringAt(const Strings& strings, uint32_t index, std::string* out) {
  if (index >= static_cast<uint32_t>(strings.size())) return false;
  *out = strings[static_cast<int>(index)];
  return true;
}

bool FrameFromWire(const wire::ManagedFrame& w, const Strings& strings, ManagedFrame* f) {
  if (!wire::ManagedFrame::Kind_IsValid(w.kind()) ||
      !wire::ManagedFrame::CodeKind_IsValid(w.code_kind())) {
    return false;
  }
  f->ip = w.ip();
  f->sp = w.sp();
  f->kind = static_cast<ManagedFrameKind>(w.kind());
  f->token = w.token();
  f->il_offset = w.il_offset();
  f->native_offset = w.native_offset();
  f->method_start = w.method_start();
  f->method_desc = w.method_desc();
  f->code_kind = static_cast<CodeKind>(w.code_kind());
  f->frame_address = w.frame_address();
  f->source_line = w.source_line();
  f->source_column = w.source_column();
  return StringAt(strings, w.method_signature(), &f->method_signature) &&
         StringAt(strings, w.method(), &f->method) && StringAt(strings, w.type(), &f->type) &&
         StringAt(strings, w.module_path(), &f->module_path) &&
         StringAt(strings, w.transition_frame(), &f->transition_frame) &&
         StringAt(strings, w.source_file(), &f->source_file);
}

bool FramesFromWire(const google::protobuf::RepeatedPtrField<wire::ManagedFrame>& in,
                    const Strings& strings, std::vector<ManagedFrame>* frames) {
  frames->resize(static_cast<size_t>(in.size()));
  for (int i = 0; i < in.size(); ++i) {
    if (!FrameFromWire(in[i], strings, &(*frames)[static_cast<size_t>(i)])) return false;
  }
  return true;
}

bool ExceptionFromWire(const wire::ManagedException& w, int depth, const Strings& strings,
                       ManagedException* e) {
  if (depth >= kMaxWireExceptionDepth && (w.inner_size() > 0 || w.inner_exceptions_size() > 0)) {
    return false;
  }
  e->object = w.object();
  e->type = w.type();
  e->message = w.message();
  e->hresult = w.hresult();
  e->stack_trace = w.stack_trace();
  e->remote_stack_trace = w.remote_stack_trace();
  if (!FramesFromWire(w.frames(), strings, &e->frames)) return false;
  for (uint32_t end : w.previous_throw_ends()) {
    if (end >= e->frames.size()) return false;  // names no frame
    e->previous_throw_ends.push_back(end);
  }
  e->frames_omitted = w.frames_omitted();
  e->inner.resize(static_cast<size_t>(w.inner_size()));
  for (int i = 0; i < w.inner_size(); ++i) {
    if (!ExceptionFromWire(w.inner(i), depth + 1, strings, &e->inner[static_cast<size_t>(i)])) {
      return false;
    }
  }
  e->inner_exceptions.resize(static_cast<size_t>(w.inner_exceptions_size()));
  for (int i = 0; i < w.inner_exceptions_size(); ++i) {
    if (!ExceptionFromWire(w.inner_exceptions(i), depth + 1, strings,
                           &e->inner_exceptions[static_cast<size_t>(i)])) {
      return false;
    }
  }
  e->inner_exceptions_omitted = w.inner_exceptions_omitted();
  return true;
}

// Each thread is freed once written: the two forms of every frame are not all alive at once.
void StateToWire(ManagedState& s, wire::ManagedState* w) {
  StringTable strings(w->mutable_strings());
  w->set_runtime_version(s.runtime_version);
  w->set_runtime_path(s.runtime_path);
  w->set_dac_path(s.dac_path);
  w->set_dac_match(s.dac_match);
  w->set_dac_load_us(s.dac_load_us);
  w->set_total_us(s.total_us);
  for (const std::string& error : s.errors) w->add_errors(error);
  for (ManagedThread& t : s.threads) {
    wire::ManagedThread* wt = w->add_threads();
    wt->set_os_thread_id(t.os_thread_id);
    wt->set_managed_id(t.managed_id);
    wt->set_thread_address(t.thread_address);
    wt->set_state(t.state);
    wt->set_is_finalizer(t.is_finalizer);
    wt->set_is_gc(t.is_gc);
    wt->set_is_background(t.is_background);
    wt->set_is_threadpool(t.is_threadpool);
    wt->set_is_dead(t.is_dead);
    wt->set_is_unstarted(t.is_unstarted);
    wt->set_os_name(t.os_name);
    if (t.has_exception) ExceptionToWire(t.exception, 0, strings, wt->mutable_exception());
    FramesToWire(t.frames, strings, wt->mutable_frames());
    wt->set_frames_error(t.frames_error);
    t = ManagedThread();
  }
  FramesToWire(s.named_code, strings, w->mutable_named_code());
  for (const ManagedModule& m : s.modules) {
    wire::ManagedModule* wm = w->add_modules();
    wm->set_path(m.path);
    wm->set_mvid(m.mvid);
    wm->set_pdb_id(m.pdb_id);
    wm->set_codeview_path(m.codeview_path);
    wm->set_pdb_location(m.pdb_location);
    wm->set_pdb_problem(m.pdb_problem);
    wm->set_frames(m.frames);
  }
  w->set_source_lines_us(s.source_lines_us);
}

// Each thread's wire form is freed once converted: the two forms of every frame are not all
// alive at once.
absl::StatusOr<ManagedState> StateFromWire(wire::ManagedState& w) {
  const absl::Status bad = absl::DataLossError("malformed managed state from the DAC process");
  ManagedState s;
  s.runtime_version = w.runtime_version();
  s.runtime_path = w.runtime_path();
  s.dac_path = w.dac_path();
  s.dac_match = w.dac_match();
  s.dac_load_us = w.dac_load_us();
  s.total_us = w.total_us();
  s.errors.assign(w.errors().begin(), w.errors().end());
  s.threads.resize(static_cast<size_t>(w.threads_size()));
  for (int i = 0; i < w.threads_size(); ++i) {
    const wire::ManagedThread& wt = w.threads(i);
    ManagedThread& t = s.threads[static_cast<size_t>(i)];
    t.os_thread_id = wt.os_thread_id();
    t.managed_id = wt.managed_id();
    t.thread_address = wt.thread_address();
    t.state = wt.state();
    t.is_finalizer = wt.is_finalizer();
    t.is_gc = wt.is_gc();
    t.is_background = wt.is_background();
    t.is_threadpool = wt.is_threadpool();
    t.is_dead = wt.is_dead();
    t.is_unstarted = wt.is_unstarted();
    t.os_name = wt.os_name();
    t.has_exception = wt.has_exception();
    if (t.has_exception && !ExceptionFromWire(wt.exception(), 0, w.strings(), &t.exception)) {
      return bad;
    }
    if (!FramesFromWire(wt.frames(), w.strings(), &t.frames)) return bad;
    t.frames_error = wt.frames_error();
    wire::ManagedThread().Swap(w.mutable_threads(i));
  }
  if (!FramesFromWire(w.named_code(), w.strings(), &s.named_code)) return bad;
  for (const wire::ManagedModule& wm : w.modules()) {
    s.modules.push_back(ManagedModule{wm.path(), wm.mvid(), wm.pdb_id(), wm.codeview_path(),
                                      wm.pdb_location(), wm.pdb_problem(), wm.frames()});
  }
  s.source_lines_us = w.source_lines_us();
  return s;
}

wire::DacResult ResultToWire(absl::StatusOr<ManagedState>& result) {
  wire::DacResult message;
  if (result.ok()) {
    StateToWire(*result, message.mutable_state());
  } else {
    message.mutable_error()->set_code(static_cast<int32_t>(result.status().code()));
    message.mutable_error()->set_message(std::string(result.status().message()));
  }
  return message;
}

}  // namespace

std::string SerializeDacResult(absl::StatusOr<ManagedState> result) {
  return ResultToWire(result).SerializeAsString();
}

bool WriteDacResult(int fd, absl::StatusOr<ManagedState> result) {
  const wire::DacResult message = ResultToWire(result);
  const uint64_t size = message.ByteSizeLong();
  google::protobuf::io::FileOutputStream out(fd, 1 << 16);
  google::protobuf::io::CodedOutputStream coded(&out);
  coded.WriteRaw(&size, sizeof(size));
  message.SerializeWithCachedSizes(&coded);
  coded.Trim();
  return !coded.HadError() && out.Flush();
}

absl::StatusOr<ManagedState> ParseDacResult(std::string bytes) {
  wire::DacResult message;
  if (!message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError("the DAC process sent a result that does not parse");
  }
  std::string().swap(bytes);  // parsed: the bytes are not needed while converting
  switch (message.result_case()) {
    case wire::DacResult::kState:
      return StateFromWire(*message.mutable_state());
    case wire::DacResult::kError: {
      const int code = message.error().code();
      // An error with no error code, or one we do not know, is still an error.
      const absl::StatusCode status_code =
          code > 0 && code <= static_cast<int>(absl::StatusCode::kUnauthenticated)
              ? static_cast<absl::StatusCode>(code)
              : absl::StatusCode::kUnknown;
      return absl::Status(status_code, message.error().message());
    }
    case wire::DacResult::RESULT_NOT_SET:
      break;
  }
  return absl::DataLossError("the DAC process sent an empty result");
}

}  // namespace ddcrash::dac
