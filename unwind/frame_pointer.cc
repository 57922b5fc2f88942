#include "unwind/frame_pointer.h"

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ddcrash {

absl::StatusOr<FramePointerStep> StepFramePointer(ProcessMemory& memory, const ModuleMap& modules,
                                                  uint64_t sp, uint64_t rbp) {
  if (rbp % 8 != 0) return absl::FailedPreconditionError("frame pointer not aligned");
  if (rbp < sp) return absl::FailedPreconditionError("frame pointer below stack pointer");
  const Mapping* stack = modules.FindMapping(sp);
  if (stack == nullptr) return absl::FailedPreconditionError("stack pointer in no mapping");
  if (!stack->Contains(rbp) || rbp > stack->end - 16) {
    return absl::FailedPreconditionError("frame pointer outside the stack mapping");
  }
  uint64_t words[2];
  absl::Status status =
      memory.ReadExact(rbp, absl::Span<uint8_t>(reinterpret_cast<uint8_t*>(words), sizeof(words)));
  if (!status.ok()) return status;
  FramePointerStep step;
  step.rbp = words[0];
  step.ip = words[1];
  step.sp = rbp + 16;
  const Mapping* code = modules.FindMapping(step.ip);
  if (step.ip == 0 || code == nullptr || !code->executable) {
    return absl::FailedPreconditionError(
        absl::StrCat("return address 0x", absl::Hex(step.ip), " is not in executable memory"));
  }
  return step;
}

bool IsSigreturnTrampoline(ProcessMemory& memory, uint64_t ip) {
  static constexpr uint8_t kCode[] = {0x48, 0xc7, 0xc0, 0x0f, 0x00, 0x00, 0x00, 0x0f, 0x05};
  uint8_t bytes[sizeof(kCode)];
  if (!memory.ReadExact(ip, absl::Span<uint8_t>(bytes, sizeof(bytes))).ok()) return false;
  return std::memcmp(bytes, kCode, sizeof(kCode)) == 0;
}

}  // namespace ddcrash
