// DacSession's exception reading: the object's fields, its recorded stack trace and the
// Message its type's property would return. (The rest of the session is dac_session.cc.)
#include <algorithm>
#include <cstring>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "dac/dac_session.h"
#include "dac/internal/dac_calls.h"

namespace ddcrash::dac {
namespace {

// Exceptions nest (inner chains, aggregates of aggregates): bounds on a corrupt or huge graph.
constexpr int kMaxExceptionDepth = 16;
constexpr int kMaxInnerExceptionsListed = 16;  // per AggregateException
constexpr int kMaxExceptionsDescribed = 64;    // per exception in flight, all levels together
// Exception → ... → System.Object is a handful of classes; the bound stops a corrupt chain.
constexpr int kMaxClassChain = 16;

// MethodTable::m_pParentMethodTable: right after the two DWORDs and four WORDs that open every
// MethodTable on 64-bit release runtimes (.NET 8 to 10; CoreLib's own cast helpers read it at
// this offset). Every parent read is confirmed by asking the DAC for that table's name.
constexpr uint64_t kParentMethodTableOffset = 0x10;

// The stack trace the runtime records in Exception._stackTrace (StackTraceInfo, clrex.h):
// a byte array holding a header and then StackTraceElement records. .NET 8's header is
// { size_t size; Thread* thread; }, .NET 9's and 10's { uint32 size; uint32 keep-alive count;
// Thread* thread; }: both 16 bytes, the count in the low 32 bits of the first 8 (x86-64 is
// little-endian). From .NET 9 _stackTrace can also be an object[] whose slot 0 is that byte
// array (the other slots keep collectible methods alive).
constexpr uint64_t kStackTraceHeaderSize = 16;
struct StackTraceElement {  // { UINT_PTR ip; UINT_PTR sp; MethodDesc* pFunc; INT flags; }
  uint64_t ip;
  uint64_t sp;
  uint64_t method_desc;
  int32_t flags;
  int32_t padding;
};
static_assert(sizeof(StackTraceElement) == 32);
// StackTraceElementFlags.
constexpr int32_t kLastFrameFromForeignStackTrace = 0x1;  // an earlier throw's last frame
constexpr int32_t kIpAdjusted = 0x2;                      // ip already points into the call
constexpr int32_t kContinuation = 0x8;  // .NET 10 runtime-async: sp holds a continuation index
// The runtime records every frame the exception passes (a deep recursion: thousands); a
// corrupt count must not read forever, and the DAC stage must end within its time: at most
// this many frames per exception, and this many frames described in a session (a frame seen
// before, on another exception, costs nothing).
constexpr uint32_t kMaxRecordedFrames = 1024;
constexpr size_t kMaxRecordedFramesDescribed = 8192;

// Text of the base library's resources (English), as the Message properties format them.
constexpr char kParamName[] = " (Parameter '";
constexpr char kActualValue[] = "Actual value was ";
constexpr char kObjectName[] = "Object name: '";

// ArgumentException's HResult (COR_E_ARGUMENT), which its default text depends on.
constexpr int32_t kCorEArgument = static_cast<int32_t>(0x80070057);

}  // namespace

std::vector<DacSession::ClassInfo> DacSession::ClassChain(CLRDATA_ADDRESS object) {
  std::vector<ClassInfo> chain;
  Padded<DacpObjectData> od;
  if (Failed(sos_->GetObjectData(object, &od.value))) return chain;
  CLRDATA_ADDRESS mt = od.value.MethodTable;
  for (int i = 0; mt != 0 && i < kMaxClassChain; ++i) {
    std::string name = WideString([&](ULONG n, WCHAR* buf, ULONG* needed) {
      return sos_->GetMethodTableName(mt, n, buf, needed);
    });
    if (name.empty()) break;  // not a method table: stop rather than follow a wrong pointer
    chain.push_back({mt, name});
    absl::StatusOr<uint64_t> parent = memory_->ReadValue<uint64_t>(mt + kParentMethodTableOffset);
    if (!parent.ok()) break;
    mt = *parent;
  }
  return chain;
}

std::vector<DacSession::FieldInfo> DacSession::DeclaredFields(CLRDATA_ADDRESS method_table,
                                                              CLRDATA_ADDRESS parent) {
  std::vector<FieldInfo> out;
  Padded<DacpMethodTableFieldData> fields;
  Padded<DacpMethodTableFieldData> parent_fields;
  if (Failed(sos_->GetMethodTableFieldData(method_table, &fields.value)) ||
      (parent != 0 && Failed(sos_->GetMethodTableFieldData(parent, &parent_fields.value)))) {
    return out;
  }
  // The instance field count includes the parents'; the class's own come first in its list,
  // and the list has no end marker: NextField of the last points past it (the .NET 8 DAC
  // crashes on what is there), so the count is the only bound.
  const int own = fields.value.wNumInstanceFields - (parent != 0 ? parent_fields.value.wNumInstanceFields : 0);
  CLRDATA_ADDRESS field = fields.value.FirstField;
  for (int i = 0; field != 0 && static_cast<int>(out.size()) < own && i < 256; ++i) {
    Padded<DacpFieldDescData> fd;
    if (Failed(sos_->GetFieldDescData(field, &fd.value))) break;
    if (!fd.value.bIsStatic && !fd.value.bIsThreadLocal && !fd.value.bIsContextLocal) {
      out.push_back({fd.value.Type, fd.value.dwOffset});
    }
    if (static_cast<int>(out.size()) == own) break;
    field = fd.value.NextField;
  }
  return out;
}

namespace {

bool IsReference(int32_t element_type) {
  switch (element_type) {
    case kElementTypeString:
    case kElementTypeClass:
    case kElementTypeArray:
    case kElementTypeGenericInst:
    case kElementTypeObject:
    case kElementTypeSzArray:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::vector<CLRDATA_ADDRESS> DacSession::ReferenceFields(CLRDATA_ADDRESS object,
                                                         const std::vector<FieldInfo>& fields) {
  std::vector<CLRDATA_ADDRESS> out;
  for (const FieldInfo& field : fields) {
    if (!IsReference(field.element_type)) continue;
    // dwOffset counts from the end of the object's method table pointer.
    absl::StatusOr<uint64_t> value =
        memory_->ReadValue<uint64_t>(object + sizeof(uint64_t) + field.offset);
    out.push_back(value.ok() ? *value : 0);
  }
  return out;
}

std::vector<CLRDATA_ADDRESS> DacSession::AggregateInnerExceptions(
    CLRDATA_ADDRESS object, const std::vector<ClassInfo>& chain, size_t max, size_t* total) {
  *total = 0;
  // AggregateException (.NET 8 to 10) declares `Exception[] _innerExceptions`, the list its
  // constructor copied, and a lazily made ReadOnlyCollection view of it. The DAC gives field
  // names only through metadata; the array's type pins the field down as well.
  if (chain.empty()) return {};
  const std::vector<FieldInfo> fields =
      DeclaredFields(chain[0].method_table, chain.size() > 1 ? chain[1].method_table : 0);
  for (CLRDATA_ADDRESS list : ReferenceFields(object, fields)) {
    Padded<DacpObjectData> array;
    if (list == 0 || ObjectClassName(list) != "System.Exception[]" ||
        Failed(sos_->GetObjectData(list, &array.value)) ||
        array.value.ObjectType != kObjectTypeArray ||
        array.value.dwComponentSize != sizeof(uint64_t)) {
      continue;
    }
    *total = static_cast<size_t>(array.value.dwNumComponents);
    std::vector<CLRDATA_ADDRESS> out;
    for (size_t i = 0; i < *total && i < max; ++i) {
      absl::StatusOr<uint64_t> element =
          memory_->ReadValue<uint64_t>(array.value.ArrayDataPtr + i * sizeof(uint64_t));
      if (!element.ok()) break;
      out.push_back(*element);
    }
    return out;
  }
  return {};
}

std::string DacSession::BoxedValueText(CLRDATA_ADDRESS object) {
  // String.Format("{0}", value) of the values an argument check usually holds: the boxed
  // primitives (invariant digits) and strings. Others need their ToString: left out.
  const std::string type = ObjectClassName(object);
  const uint64_t data = object + sizeof(uint64_t);
  auto read = [&](auto zero) -> std::optional<decltype(zero)> {
    absl::StatusOr<decltype(zero)> v = memory_->ReadValue<decltype(zero)>(data);
    if (!v.ok()) return std::nullopt;
    return *v;
  };
  auto text = [](auto v) -> std::optional<std::string> {
    if (!v) return std::nullopt;
    return absl::StrCat(*v);
  };
  std::optional<std::string> out;
  if (type == "System.String") {
    out = ObjectString(object);
  } else if (type == "System.Int32") {
    out = text(read(int32_t{}));
  } else if (type == "System.Int64") {
    out = text(read(int64_t{}));
  } else if (type == "System.UInt32") {
    out = text(read(uint32_t{}));
  } else if (type == "System.UInt64") {
    out = text(read(uint64_t{}));
  } else if (type == "System.Int16") {
    out = text(read(int16_t{}));
  } else if (type == "System.UInt16") {
    out = text(read(uint16_t{}));
  } else if (type == "System.Byte") {
    std::optional<uint8_t> v = read(uint8_t{});
    if (v) out = absl::StrCat(static_cast<unsigned>(*v));
  } else if (type == "System.SByte") {
    std::optional<int8_t> v = read(int8_t{});
    if (v) out = absl::StrCat(static_cast<int>(*v));
  } else if (type == "System.Boolean") {
    std::optional<uint8_t> v = read(uint8_t{});
    if (v) out = *v != 0 ? "True" : "False";
  }
  return out.value_or(std::string());
}

void DacSession::ComposeMessage(CLRDATA_ADDRESS object, const std::vector<ClassInfo>& chain,
                                bool message_set, ManagedException* e) {
  auto declared = [&](const char* name) -> const ClassInfo* {
    for (const ClassInfo& c : chain) {
      if (c.name == name) return &c;
    }
    return nullptr;
  };
  auto parent_of = [&](const ClassInfo* c) -> CLRDATA_ADDRESS {
    for (size_t i = 0; i + 1 < chain.size(); ++i) {
      if (&chain[i] == c) return chain[i + 1].method_table;
    }
    return 0;
  };
  // The one or more references a class declares, in declaration order, when they are what the
  // base library declares (.NET 8 to 10); otherwise nothing is composed from them.
  auto fields = [&](const ClassInfo* c, size_t count) -> std::vector<CLRDATA_ADDRESS> {
    if (c == nullptr) return {};
    const CLRDATA_ADDRESS parent = parent_of(c);
    if (parent == 0) return {};  // every exception type has a parent
    std::vector<FieldInfo> all = DeclaredFields(c->method_table, parent);
    size_t refs = 0;
    for (const FieldInfo& f : all) refs += IsReference(f.element_type) ? 1 : 0;
    if (refs != count) return {};
    return ReferenceFields(object, all);
  };
  // Exception.Message: the stored text, else "Exception of type 'T' was thrown." (after the
  // default text a type sets in its SetMessageField).
  if (!message_set && declared("System.ArgumentException") != nullptr &&
      e->hresult == kCorEArgument) {
    e->message = "Value does not fall within the expected range.";  // its SetMessageField
    message_set = true;
  }
  if (!message_set) e->message = absl::StrCat("Exception of type '", e->type, "' was thrown.");

  // ArgumentException.Message: " (Parameter 'name')" after the text.
  if (std::vector<CLRDATA_ADDRESS> f = fields(declared("System.ArgumentException"), 1);
      !f.empty() && f[0] != 0) {
    std::string name = ObjectString(f[0]);
    if (!name.empty()) absl::StrAppend(&e->message, kParamName, name, "')");
  }
  // ArgumentOutOfRangeException.Message: then "Actual value was V." on its own line.
  if (std::vector<CLRDATA_ADDRESS> f = fields(declared("System.ArgumentOutOfRangeException"), 1);
      !f.empty() && f[0] != 0) {
    std::string value = BoxedValueText(f[0]);
    if (!value.empty()) absl::StrAppend(&e->message, "\n", kActualValue, value, ".");
  }
  // ObjectDisposedException.Message: then "Object name: 'name'." on its own line.
  if (std::vector<CLRDATA_ADDRESS> f = fields(declared("System.ObjectDisposedException"), 1);
      !f.empty() && f[0] != 0) {
    std::string name = ObjectString(f[0]);
    if (!name.empty()) absl::StrAppend(&e->message, "\n", kObjectName, name, "'.");
  }
  // AggregateException.Message: the text, then " (inner message)" for each inner exception
  // (those listed: cut ones cannot be added).
  for (const ManagedException& inner : e->inner_exceptions) {
    absl::StrAppend(&e->message, " (", inner.message, ")");
  }
}

ManagedFrame DacSession::DescribeRecordedFrame(uint64_t ip, uint64_t method_desc, int32_t flags) {
  FrameText t;
  t.kind = ManagedFrameKind::kManagedMethod;
  t.method_desc = method_desc;
  t.method_signature = MethodDescName(method_desc);
  SplitMethodName(t.method_signature, &t.method, &t.type);
  Padded<DacpMethodDescData> mdd;
  if (Succeeded(sos_->GetMethodDescData(method_desc, 0, &mdd.value, 0, nullptr, nullptr))) {
    t.token = mdd.value.MDToken;
    if (mdd.value.ModulePtr != 0) t.module_path = ModulePath(mdd.value.ModulePtr);
  }
  // No code address to map.
  if ((flags & kContinuation) != 0 || ip == 0) {
    return ManagedFrame{.ip = ip, .text = std::make_shared<const FrameText>(std::move(t))};
  }
  Padded<DacpCodeHeaderData> code;
  // A call that ends a method (to a method that never returns, as ExceptionDispatchInfo.Throw)
  // records the address just past the method's code: its code is the byte before.
  if (Succeeded(sos_->GetCodeHeaderData(ip, &code.value)) ||
      ((flags & kIpAdjusted) == 0 && Succeeded(sos_->GetCodeHeaderData(ip - 1, &code.value)))) {
    t.method_start = code.value.MethodStart;
    if (ip >= code.value.MethodStart) t.native_offset = ip - code.value.MethodStart;
    t.code_kind = code.value.JITType == TYPE_JIT    ? CodeKind::kJit
                  : code.value.JITType == TYPE_PJIT ? CodeKind::kReadyToRun
                                                    : CodeKind::kUnknown;
  }
  // The runtime's rule when it renders the trace (StackFrameHelper, debugdebugger.cpp): the
  // recorded ip is a return address, or the instruction after the call that threw, so the IL
  // offset is the one of the byte before it, unless the runtime adjusted the ip already or it
  // is the method's first byte.
  const bool adjust = (flags & kIpAdjusted) == 0 && t.native_offset > 0;
  t.il_offset = IlOffset(adjust ? ip - 1 : ip);
  return ManagedFrame{.ip = ip, .text = std::make_shared<const FrameText>(std::move(t))};
}

void DacSession::ReadRecordedStackTrace(CLRDATA_ADDRESS stack_trace, ManagedException* e) {
  if (stack_trace == 0) return;
  Padded<DacpObjectData> od;
  if (Failed(sos_->GetObjectData(stack_trace, &od.value)) ||
      od.value.ObjectType != kObjectTypeArray) {
    return;
  }
  if (od.value.dwComponentSize == sizeof(uint64_t)) {
    // .NET 9+: object[] { byte[] trace, keep-alive objects... }.
    absl::StatusOr<uint64_t> bytes = memory_->ReadValue<uint64_t>(od.value.ArrayDataPtr);
    if (od.value.dwNumComponents == 0 || !bytes.ok() || *bytes == 0 ||
        Failed(sos_->GetObjectData(*bytes, &od.value)) ||
        od.value.ObjectType != kObjectTypeArray) {
      return;
    }
  }
  if (od.value.dwComponentSize != 1 || od.value.dwNumComponents < kStackTraceHeaderSize) return;
  absl::StatusOr<uint32_t> count = memory_->ReadValue<uint32_t>(od.value.ArrayDataPtr);
  if (!count.ok()) return;
  const uint64_t room =
      (od.value.dwNumComponents - kStackTraceHeaderSize) / sizeof(StackTraceElement);
  uint32_t n = static_cast<uint32_t>(std::min<uint64_t>(*count, room));
  if (n > kMaxRecordedFrames) {
    e->frames_omitted = n - kMaxRecordedFrames;
    n = kMaxRecordedFrames;
  }
  std::vector<StackTraceElement> elements(n);
  if (n == 0 ||
      !memory_->ReadExact(od.value.ArrayDataPtr + kStackTraceHeaderSize,
                          absl::MakeSpan(reinterpret_cast<uint8_t*>(elements.data()),
                                         n * sizeof(StackTraceElement))).ok()) {
    return;
  }
  for (size_t i = 0; i < elements.size(); ++i) {
    const StackTraceElement& element = elements[i];
    if (element.method_desc == 0) continue;
    const auto key = std::make_tuple(element.ip, element.method_desc, element.flags);
    auto known = recorded_frames_.find(key);
    if (known == recorded_frames_.end()) {
      if (recorded_frames_.size() >= kMaxRecordedFramesDescribed) {
        e->frames_omitted += static_cast<uint32_t>(elements.size() - i);
        break;
      }
      known = recorded_frames_
                  .emplace(key, DescribeRecordedFrame(element.ip, element.method_desc,
                                                      element.flags))
                  .first;
    }
    if ((element.flags & kLastFrameFromForeignStackTrace) != 0) {
      e->previous_throw_ends.push_back(static_cast<uint32_t>(e->frames.size()));
    }
    e->frames.push_back(known->second);
  }
}

absl::StatusOr<ManagedException> DacSession::DescribeException(uint64_t object) {
  int budget = kMaxExceptionsDescribed;
  return DescribeException(object, 0, &budget);
}

absl::StatusOr<ManagedException> DacSession::DescribeException(uint64_t object, int depth,
                                                               int* budget) {
  --*budget;
  ManagedException e;
  e.object = object;
  e.type = ObjectClassName(object);
  if (e.type.empty()) {
    return absl::DataLossError(absl::StrCat("0x", absl::Hex(object), " is not a readable object"));
  }
  const bool go_deeper = depth < kMaxExceptionDepth;
  bool fields_read = false;
  bool message_set = false;
  if (sos2_) {
    Padded<DacpExceptionObjectData> data;
    if (Succeeded(sos2_->GetObjectExceptionData(object, &data.value))) {
      fields_read = true;
      e.hresult = data.value.HResult;
      message_set = data.value.Message != 0;
      e.message = ObjectString(data.value.Message);
      e.stack_trace = ObjectString(data.value.StackTraceString);
      e.remote_stack_trace = ObjectString(data.value.RemoteStackTraceString);
      ReadRecordedStackTrace(data.value.StackTrace, &e);
      if (data.value.InnerException != 0 && go_deeper && *budget > 0) {
        absl::StatusOr<ManagedException> inner =
            DescribeException(data.value.InnerException, depth + 1, budget);
        if (inner.ok()) e.inner.push_back(*std::move(inner));
      }
    }
  }
  const std::vector<ClassInfo> chain = ClassChain(object);
  if (!chain.empty() && e.type == "System.AggregateException") {
    size_t total = 0;
    std::vector<CLRDATA_ADDRESS> inner = AggregateInnerExceptions(
        object, chain,
        go_deeper ? static_cast<size_t>(kMaxInnerExceptionsListed) : 0, &total);
    for (CLRDATA_ADDRESS inner_object : inner) {
      if (*budget <= 0) break;
      absl::StatusOr<ManagedException> described = DescribeException(inner_object, depth + 1, budget);
      if (described.ok()) e.inner_exceptions.push_back(*std::move(described));
    }
    e.inner_exceptions_omitted = static_cast<uint32_t>(total - e.inner_exceptions.size());
  }
  if (fields_read) ComposeMessage(object, chain, message_set, &e);
  return e;
}

}  // namespace ddcrash::dac
