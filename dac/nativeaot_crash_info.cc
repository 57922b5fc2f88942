#include "dac/nativeaot_crash_info.h"

#include <cstring>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace ddcrash::dac {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

// EXCEPTION_RECORD on x86-64: ExceptionCode u32 @0, ExceptionFlags u32 @4, ExceptionRecord @8,
// ExceptionAddress @16, NumberParameters u32 @24, ExceptionInformation[15] @32.
constexpr size_t kRecordSize = 32 + 15 * 8;
constexpr uint32_t kStatusStackBufferOverrun = 0xC0000409;
constexpr uint64_t kFastFailDotnetAot = 0x48;

std::string StringField(const Struct& object, const char* key) {
  auto it = object.fields().find(key);
  if (it == object.fields().end() || it->second.kind_case() != Value::kStringValue) return "";
  return it->second.string_value();
}

// The runtime writes every number as a string: "0x4E5C" (hex) or "4".
uint64_t NumberField(const Struct& object, const char* key) {
  const std::string text = StringField(object, key);
  uint64_t value = 0;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    if (!absl::SimpleHexAtoi(text.substr(2), &value)) return 0;
  } else if (!absl::SimpleAtoi(text, &value)) {
    return 0;
  }
  return value;
}

ManagedException ExceptionFrom(const Struct& object, int depth) {
  ManagedException e;
  e.type = StringField(object, "type");
  e.message = StringField(object, "message");
  e.hresult = static_cast<int32_t>(static_cast<uint32_t>(NumberField(object, "hr")));
  e.object = NumberField(object, "address");
  auto stack = object.fields().find("stack");
  if (stack != object.fields().end() && stack->second.kind_case() == Value::kListValue) {
    for (const Value& frame : stack->second.list_value().values()) {
      if (frame.kind_case() != Value::kStructValue) continue;
      const std::string name = StringField(frame.struct_value(), "name");
      if (!name.empty()) absl::StrAppend(&e.stack_trace, e.stack_trace.empty() ? "" : "\n", "   at ", name);
    }
  }
  auto inner = object.fields().find("inner");
  if (depth < kMaxTriageExceptionDepth && inner != object.fields().end() &&
      inner->second.kind_case() == Value::kListValue) {
    std::vector<ManagedException> all;
    for (const Value& value : inner->second.list_value().values()) {
      if (value.kind_case() == Value::kStructValue) {
        all.push_back(ExceptionFrom(value.struct_value(), depth + 1));
      }
    }
    if (!all.empty()) {
      e.inner.push_back(all.front());
      // More than one: an AggregateException's (the runtime lists them all).
      if (all.size() > 1) e.inner_exceptions = std::move(all);
    }
  }
  return e;
}

}  // namespace

absl::StatusOr<NativeAotCrashInfo> ParseNativeAotTriage(std::string_view json) {
  if (json.size() > kMaxTriageSize) {
    return absl::InvalidArgumentError(absl::StrCat("NativeAOT triage JSON of ", json.size(),
                                                   " bytes: more than ", kMaxTriageSize));
  }
  Struct root;
  const google::protobuf::util::Status parsed = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &root);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("NativeAOT triage JSON: ", parsed.message().as_string()));
  }
  if (StringField(root, "version").empty()) {
    return absl::InvalidArgumentError("NativeAOT triage JSON: no version");
  }
  NativeAotCrashInfo info;
  info.runtime_version = StringField(root, "runtime_version");
  info.message = StringField(root, "message");
  info.thread = NumberField(root, "thread");
  auto exception = root.fields().find("exception");
  if (exception != root.fields().end() && exception->second.kind_case() == Value::kStructValue) {
    info.has_exception = true;
    info.exception = ExceptionFrom(exception->second.struct_value(), 0);
  }
  return info;
}

absl::StatusOr<NativeAotCrashInfo> ReadNativeAotCrashInfo(ProcessMemory& memory, uint64_t record) {
  uint8_t bytes[kRecordSize];
  absl::StatusOr<size_t> n = memory.Read(record, absl::MakeSpan(bytes, sizeof(bytes)));
  if (!n.ok()) return n.status();
  if (*n < 32 + 4 * 8) {
    return absl::NotFoundError(absl::StrCat("exception record at 0x", absl::Hex(record),
                                            ": only ", *n, " bytes readable"));
  }
  uint32_t code = 0, parameters = 0;
  uint64_t information[4];
  std::memcpy(&code, bytes, 4);
  std::memcpy(&parameters, bytes + 24, 4);
  std::memcpy(information, bytes + 32, sizeof(information));
  if (code != kStatusStackBufferOverrun || parameters < 4 || information[0] != kFastFailDotnetAot) {
    return absl::NotFoundError(absl::StrCat("exception record at 0x", absl::Hex(record),
                                            " is not a NativeAOT fail-fast's (code 0x",
                                            absl::Hex(code), ")"));
  }
  const uint64_t address = information[2], size = information[3];
  if (address == 0 || size == 0) {
    return absl::NotFoundError("the NativeAOT fail-fast carries no triage buffer");
  }
  if (size > kMaxTriageSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("NativeAOT triage buffer of ", size, " bytes: more than ", kMaxTriageSize));
  }
  std::vector<uint8_t> json(size);
  absl::StatusOr<size_t> read = memory.Read(address, absl::MakeSpan(json));
  if (!read.ok()) return read.status();
  return ParseNativeAotTriage(std::string_view(reinterpret_cast<const char*>(json.data()), *read));
}

}  // namespace ddcrash::dac
