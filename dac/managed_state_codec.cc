#include "dac/managed_state_codec.h"

#include <cstring>
#include <vector>

#include "absl/status/status.h"

namespace ddcrash::dac {
namespace {

constexpr uint32_t kMagic = 0x44444331;  // "DDC1"
constexpr uint64_t kMaxCount = 1 << 20;
constexpr int kMaxExceptionDepth = 32;

class Writer {
 public:
  void U64(uint64_t v) { out_.append(reinterpret_cast<const char*>(&v), sizeof(v)); }
  void U32(uint32_t v) { out_.append(reinterpret_cast<const char*>(&v), sizeof(v)); }
  void Str(const std::string& s) {
    U64(s.size());
    out_.append(s);
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool U64(uint64_t* v) { return Fixed(v, sizeof(*v)); }
  bool U32(uint32_t* v) { return Fixed(v, sizeof(*v)); }
  bool I32(int32_t* v) { return Fixed(v, sizeof(*v)); }
  bool Bool(bool* v) {
    uint32_t x;
    if (!U32(&x) || x > 1) return false;
    *v = x != 0;
    return true;
  }
  bool Str(std::string* s) {
    uint64_t n;
    if (!U64(&n) || n > in_.size() - pos_) return false;
    s->assign(in_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  bool Count(uint64_t* n) { return U64(n) && *n <= kMaxCount && *n <= in_.size() - pos_; }
  bool AtEnd() const { return pos_ == in_.size(); }

 private:
  bool Fixed(void* v, size_t size) {
    if (size > in_.size() - pos_) return false;
    std::memcpy(v, in_.data() + pos_, size);
    pos_ += size;
    return true;
  }
  std::string_view in_;
  size_t pos_ = 0;
};

void PutException(Writer& w, const ManagedException& e, int depth) {
  w.U64(e.object);
  w.Str(e.type);
  w.Str(e.message);
  w.U32(static_cast<uint32_t>(e.hresult));
  w.Str(e.stack_trace);
  size_t inner = depth < kMaxExceptionDepth ? e.inner.size() : 0;
  w.U64(inner);
  for (size_t i = 0; i < inner; ++i) PutException(w, e.inner[i], depth + 1);
}

bool GetException(Reader& r, ManagedException* e, int depth) {
  uint64_t inner = 0;
  if (!r.U64(&e->object) || !r.Str(&e->type) || !r.Str(&e->message) || !r.I32(&e->hresult) ||
      !r.Str(&e->stack_trace) || !r.Count(&inner)) {
    return false;
  }
  if (inner > 0 && depth >= kMaxExceptionDepth) return false;
  e->inner.resize(inner);
  for (auto& i : e->inner) {
    if (!GetException(r, &i, depth + 1)) return false;
  }
  return true;
}

void PutFrames(Writer& w, const std::vector<ManagedFrame>& frames) {
  w.U64(frames.size());
  for (const ManagedFrame& f : frames) {
    w.U64(f.ip);
    w.U64(f.sp);
    w.U32(static_cast<uint32_t>(f.kind));
    w.Str(f.method_signature);
    w.Str(f.method);
    w.Str(f.type);
    w.Str(f.module_path);
    w.U32(f.token);
    w.U32(f.il_offset);
    w.U64(f.native_offset);
    w.U64(f.method_start);
    w.U64(f.method_desc);
    w.U32(static_cast<uint32_t>(f.code_kind));
    w.Str(f.transition_frame);
    w.U64(f.frame_address);
  }
}

// `count` frames, as read and bounded by Reader::Count.
bool GetFrames(Reader& r, uint64_t count, std::vector<ManagedFrame>* frames) {
  frames->resize(count);
  for (ManagedFrame& f : *frames) {
    uint32_t kind = 0, code = 0;
    if (!r.U64(&f.ip) || !r.U64(&f.sp) || !r.U32(&kind) || !r.Str(&f.method_signature) ||
        !r.Str(&f.method) || !r.Str(&f.type) || !r.Str(&f.module_path) || !r.U32(&f.token) ||
        !r.U32(&f.il_offset) || !r.U64(&f.native_offset) || !r.U64(&f.method_start) ||
        !r.U64(&f.method_desc) || !r.U32(&code) || !r.Str(&f.transition_frame) ||
        !r.U64(&f.frame_address) || kind > 2 || code > 2) {
      return false;
    }
    f.kind = static_cast<ManagedFrameKind>(kind);
    f.code_kind = static_cast<CodeKind>(code);
  }
  return true;
}

}  // namespace

std::string EncodeManagedState(const ManagedState& s) {
  Writer w;
  w.U32(kMagic);
  w.Str(s.runtime_version);
  w.Str(s.runtime_path);
  w.Str(s.dac_path);
  w.Str(s.dac_match);
  w.U64(s.dac_load_us);
  w.U64(s.total_us);
  w.U64(s.errors.size());
  for (const std::string& e : s.errors) w.Str(e);
  w.U64(s.threads.size());
  for (const ManagedThread& t : s.threads) {
    w.U32(t.os_thread_id);
    w.U32(t.managed_id);
    w.U64(t.thread_address);
    w.U32(static_cast<uint32_t>(t.state));
    for (bool b : {t.is_finalizer, t.is_gc, t.is_background, t.is_threadpool, t.is_dead,
                   t.is_unstarted, t.has_exception}) {
      w.U32(b ? 1 : 0);
    }
    w.Str(t.os_name);
    PutException(w, t.exception, 0);
    w.Str(t.frames_error);
    PutFrames(w, t.frames);
  }
  PutFrames(w, s.named_code);
  return w.Take();
}

absl::StatusOr<ManagedState> DecodeManagedState(std::string_view bytes) {
  const absl::Status bad = absl::DataLossError("malformed managed-state message");
  Reader r(bytes);
  ManagedState s;
  uint32_t magic = 0;
  if (!r.U32(&magic) || magic != kMagic) return absl::DataLossError("not a managed-state message");
  uint64_t n = 0;
  if (!r.Str(&s.runtime_version) || !r.Str(&s.runtime_path) || !r.Str(&s.dac_path) ||
      !r.Str(&s.dac_match) || !r.U64(&s.dac_load_us) || !r.U64(&s.total_us) || !r.Count(&n)) {
    return bad;
  }
  s.errors.resize(n);
  for (std::string& e : s.errors) {
    if (!r.Str(&e)) return bad;
  }
  if (!r.Count(&n)) return bad;
  s.threads.resize(n);
  for (ManagedThread& t : s.threads) {
    uint64_t frames = 0;
    if (!r.U32(&t.os_thread_id) || !r.U32(&t.managed_id) || !r.U64(&t.thread_address) ||
        !r.I32(&t.state) || !r.Bool(&t.is_finalizer) || !r.Bool(&t.is_gc) ||
        !r.Bool(&t.is_background) || !r.Bool(&t.is_threadpool) || !r.Bool(&t.is_dead) ||
        !r.Bool(&t.is_unstarted) || !r.Bool(&t.has_exception) || !r.Str(&t.os_name) ||
        !GetException(r, &t.exception, 0) || !r.Str(&t.frames_error) || !r.Count(&frames)) {
      return bad;
    }
    if (!GetFrames(r, frames, &t.frames)) return bad;
  }
  if (!r.Count(&n) || !GetFrames(r, n, &s.named_code) || !r.AtEnd()) return bad;
  return s;
}

}  // namespace ddcrash::dac
