#include "dac/dac_result.h"

#include <memory>
#include <optional>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "dac/dac_result.pb.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl.h"

namespace ddcrash::dac {
namespace {

// ManagedState.frame_texts while it is written: each distinct text once. Frames share texts,
// so most are found by address; texts equal in content but apart are found by it. The keys
// view the table's own strings (a RepeatedPtrField never moves its elements), and each text
// found by address is held, so the state being written may be freed as it goes.
class FrameTextTable {
 public:
  explicit FrameTextTable(google::protobuf::RepeatedPtrField<wire::FrameText>* out) : out_(out) {}

  uint32_t Ref(const std::shared_ptr<const FrameText>& text) {
    if (auto found = by_address_.find(text.get()); found != by_address_.end()) {
      return found->second.ref;
    }
    const uint32_t ref = RefByContent(*text);
    by_address_.emplace(text.get(), Held{text, ref});
    return ref;
  }

 private:
  uint32_t RefByContent(const FrameText& t) {
    if (auto found = by_content_.find(KeyOf(t)); found != by_content_.end()) return found->second;
    const uint32_t ref = static_cast<uint32_t>(out_->size());
    wire::FrameText* w = out_->Add();
    w->set_kind(static_cast<wire::FrameText::Kind>(t.kind));
    w->set_method_signature(t.method_signature);
    w->set_method(t.method);
    w->set_type(t.type);
    w->set_module_path(t.module_path);
    w->set_token(t.token);
    w->set_il_offset(t.il_offset);
    w->set_native_offset(t.native_offset);
    w->set_method_start(t.method_start);
    w->set_method_desc(t.method_desc);
    w->set_code_kind(static_cast<wire::FrameText::CodeKind>(t.code_kind));
    w->set_transition_frame(t.transition_frame);
    w->set_source_file(t.source_file);
    w->set_source_line(t.source_line);
    w->set_source_column(t.source_column);
    by_content_.emplace(KeyOf(*w), ref);
    return ref;
  }

  using Key = std::tuple<int, std::string_view, std::string_view, std::string_view,
                         std::string_view, uint32_t, uint32_t, uint64_t, uint64_t, uint64_t, int,
                         std::string_view, std::string_view, uint32_t, uint32_t>;
  static Key KeyOf(const FrameText& t) {
    return {static_cast<int>(t.kind), t.method_signature, t.method, t.type, t.module_path,
            t.token, t.il_offset, t.native_offset, t.method_start, t.method_desc,
            static_cast<int>(t.code_kind), t.transition_frame, t.source_file, t.source_line,
            t.source_column};
  }
  static Key KeyOf(const wire::FrameText& w) {
    return {static_cast<int>(w.kind()), w.method_signature(), w.method(), w.type(),
            w.module_path(), w.token(), w.il_offset(), w.native_offset(), w.method_start(),
            w.method_desc(), static_cast<int>(w.code_kind()), w.transition_frame(),
            w.source_file(), w.source_line(), w.source_column()};
  }

  struct Held {
    std::shared_ptr<const FrameText> text;  // keeps the key's address from being reused
    uint32_t ref;
  };
  google::protobuf::RepeatedPtrField<wire::FrameText>* out_;
  absl::flat_hash_map<const FrameText*, Held> by_address_;
  absl::flat_hash_map<Key, uint32_t> by_content_;
};

void FramesToWire(const std::vector<ManagedFrame>& frames, FrameTextTable& texts,
                  google::protobuf::RepeatedPtrField<wire::ManagedFrame>* out) {
  out->Reserve(static_cast<int>(frames.size()));
  for (const ManagedFrame& f : frames) {
    wire::ManagedFrame* w = out->Add();
    w->set_ip(f.ip);
    w->set_sp(f.sp);
    w->set_frame_address(f.frame_address);
    w->set_text(texts.Ref(f.text));
  }
}

void ExceptionToWire(const ManagedException& e, int depth, FrameTextTable& texts,
                     wire::ManagedException* w) {
  w->set_object(e.object);
  w->set_type(e.type);
  w->set_message(e.message);
  w->set_hresult(e.hresult);
  w->set_stack_trace(e.stack_trace);
  w->set_inner_exceptions_omitted(e.inner_exceptions_omitted);
  w->set_remote_stack_trace(e.remote_stack_trace);
  FramesToWire(e.frames, texts, w->mutable_frames());
  for (uint32_t end : e.previous_throw_ends) w->add_previous_throw_ends(end);
  w->set_frames_omitted(e.frames_omitted);
  if (depth >= kMaxWireExceptionDepth) return;
  for (const ManagedException& inner : e.inner) {
    ExceptionToWire(inner, depth + 1, texts, w->add_inner());
  }
  for (const ManagedException& inner : e.inner_exceptions) {
    ExceptionToWire(inner, depth + 1, texts, w->add_inner_exceptions());
  }
}

using Texts = std::vector<std::shared_ptr<const FrameText>>;

// ManagedState.frame_texts; nullopt when one is not valid.
std::optional<Texts> TextsFromWire(const google::protobuf::RepeatedPtrField<wire::FrameText>& in) {
  Texts texts;
  texts.reserve(static_cast<size_t>(in.size()));
  for (const wire::FrameText& w : in) {
    if (!wire::FrameText::Kind_IsValid(w.kind()) ||
        !wire::FrameText::CodeKind_IsValid(w.code_kind())) {
      return std::nullopt;
    }
    FrameText t;
    t.kind = static_cast<ManagedFrameKind>(w.kind());
    t.method_signature = w.method_signature();
    t.method = w.method();
    t.type = w.type();
    t.module_path = w.module_path();
    t.token = w.token();
    t.il_offset = w.il_offset();
    t.native_offset = w.native_offset();
    t.method_start = w.method_start();
    t.method_desc = w.method_desc();
    t.code_kind = static_cast<CodeKind>(w.code_kind());
    t.transition_frame = w.transition_frame();
    t.source_file = w.source_file();
    t.source_line = w.source_line();
    t.source_column = w.source_column();
    texts.push_back(std::make_shared<const FrameText>(std::move(t)));
  }
  return texts;
}

bool FramesFromWire(const google::protobuf::RepeatedPtrField<wire::ManagedFrame>& in,
                    const Texts& texts, std::vector<ManagedFrame>* frames) {
  frames->reserve(static_cast<size_t>(in.size()));
  for (const wire::ManagedFrame& w : in) {
    if (w.text() >= texts.size()) return false;  // names no text
    frames->push_back(ManagedFrame{.ip = w.ip(), .sp = w.sp(), .frame_address = w.frame_address(),
                                   .text = texts[w.text()]});
  }
  return true;
}

bool ExceptionFromWire(const wire::ManagedException& w, int depth, const Texts& texts,
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
  if (!FramesFromWire(w.frames(), texts, &e->frames)) return false;
  for (uint32_t end : w.previous_throw_ends()) {
    if (end >= e->frames.size()) return false;  // names no frame
    e->previous_throw_ends.push_back(end);
  }
  e->frames_omitted = w.frames_omitted();
  e->inner.resize(static_cast<size_t>(w.inner_size()));
  for (int i = 0; i < w.inner_size(); ++i) {
    if (!ExceptionFromWire(w.inner(i), depth + 1, texts, &e->inner[static_cast<size_t>(i)])) {
      return false;
    }
  }
  e->inner_exceptions.resize(static_cast<size_t>(w.inner_exceptions_size()));
  for (int i = 0; i < w.inner_exceptions_size(); ++i) {
    if (!ExceptionFromWire(w.inner_exceptions(i), depth + 1, texts,
                           &e->inner_exceptions[static_cast<size_t>(i)])) {
      return false;
    }
  }
  e->inner_exceptions_omitted = w.inner_exceptions_omitted();
  return true;
}

// Each thread is freed once written: the two forms of every frame are not all alive at once.
void StateToWire(ManagedState& s, wire::ManagedState* w) {
  FrameTextTable texts(w->mutable_frame_texts());
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
    if (t.has_exception) ExceptionToWire(t.exception, 0, texts, wt->mutable_exception());
    FramesToWire(t.frames, texts, wt->mutable_frames());
    wt->set_frames_error(t.frames_error);
    t = ManagedThread();
  }
  FramesToWire(s.named_code, texts, w->mutable_named_code());
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
  const std::optional<Texts> texts = TextsFromWire(w.frame_texts());
  if (!texts) return bad;
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
    if (t.has_exception && !ExceptionFromWire(wt.exception(), 0, *texts, &t.exception)) {
      return bad;
    }
    if (!FramesFromWire(wt.frames(), *texts, &t.frames)) return bad;
    t.frames_error = wt.frames_error();
    wire::ManagedThread().Swap(w.mutable_threads(i));
  }
  if (!FramesFromWire(w.named_code(), *texts, &s.named_code)) return bad;
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
