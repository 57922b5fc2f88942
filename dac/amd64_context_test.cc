#include "dac/amd64_context.h"

#include <cstring>
#include <vector>

#include "gtest/gtest.h"

namespace ddcrash::dac {
namespace {

using O = Amd64ContextOffsets;

template <typename T>
T At(const std::vector<uint8_t>& buf, size_t offset) {
  T v;
  std::memcpy(&v, buf.data() + offset, sizeof(T));
  return v;
}

ThreadState MakeThread() {
  ThreadState t;
  t.tid = 1234;
  t.stopped = true;
  user_regs_struct& r = t.regs;
  r.rax = 0x1111;
  r.rbx = 0x2222;
  r.rcx = 0x3333;
  r.rdx = 0x4444;
  r.rsi = 0x5555;
  r.rdi = 0x6666;
  r.rbp = 0x7777;
  r.rsp = 0x8888;
  r.r8 = 0x108;
  r.r9 = 0x109;
  r.r10 = 0x110;
  r.r11 = 0x111;
  r.r12 = 0x112;
  r.r13 = 0x113;
  r.r14 = 0x114;
  r.r15 = 0x115;
  r.rip = 0xDEADBEEF;
  r.eflags = 0x246;
  r.cs = 0x33;
  r.ss = 0x2B;
  r.ds = 0x1;
  r.es = 0x2;
  r.fs = 0x3;
  r.gs = 0x4;
  t.has_fpregs = true;
  t.fpregs.cwd = 0x37F;
  t.fpregs.mxcsr = 0x1F80;
  t.fpregs.xmm_space[0] = 0xAABBCCDD;  // low dword of xmm0
  return t;
}

TEST(Amd64Context, FillsWindowsOffsets) {
  std::vector<uint8_t> buf(O::kSize, 0xCC);
  FillAmd64Context(MakeThread(), kContextAll, absl::MakeSpan(buf));
  EXPECT_EQ(At<uint32_t>(buf, O::kContextFlags), kContextAll);
  EXPECT_EQ(At<uint64_t>(buf, 0xF8), 0xDEADBEEFu);  // Rip
  EXPECT_EQ(At<uint64_t>(buf, 0x98), 0x8888u);      // Rsp
  EXPECT_EQ(At<uint64_t>(buf, 0xA0), 0x7777u);      // Rbp
  EXPECT_EQ(At<uint64_t>(buf, 0x78), 0x1111u);      // Rax
  EXPECT_EQ(At<uint64_t>(buf, 0x80), 0x3333u);      // Rcx
  EXPECT_EQ(At<uint64_t>(buf, 0x88), 0x4444u);      // Rdx
  EXPECT_EQ(At<uint64_t>(buf, 0x90), 0x2222u);      // Rbx
  EXPECT_EQ(At<uint64_t>(buf, 0xA8), 0x5555u);      // Rsi
  EXPECT_EQ(At<uint64_t>(buf, 0xB0), 0x6666u);      // Rdi
  EXPECT_EQ(At<uint64_t>(buf, 0xB8), 0x108u);       // R8
  EXPECT_EQ(At<uint64_t>(buf, 0xF0), 0x115u);       // R15
  EXPECT_EQ(At<uint32_t>(buf, 0x44), 0x246u);       // EFlags
  EXPECT_EQ(At<uint16_t>(buf, 0x38), 0x33);         // SegCs
  EXPECT_EQ(At<uint16_t>(buf, 0x42), 0x2B);         // SegSs
  EXPECT_EQ(At<uint16_t>(buf, 0x3A), 0x1);          // SegDs
  EXPECT_EQ(At<uint16_t>(buf, 0x40), 0x4);          // SegGs
  EXPECT_EQ(At<uint32_t>(buf, 0x34), 0x1F80u);      // MxCsr
  EXPECT_EQ(At<uint16_t>(buf, 0x100), 0x37F);       // FltSave.ControlWord
  EXPECT_EQ(At<uint32_t>(buf, 0x100 + 24), 0x1F80u);  // FltSave.MxCsr
  EXPECT_EQ(At<uint32_t>(buf, 0x1A0), 0xAABBCCDDu);   // Xmm0
  // Home area, debug and vector registers stay zero.
  EXPECT_EQ(At<uint64_t>(buf, 0x0), 0u);
  EXPECT_EQ(At<uint64_t>(buf, 0x48), 0u);
  EXPECT_EQ(At<uint64_t>(buf, 0x4C8), 0u);
}

TEST(Amd64Context, OnlyRequestedParts) {
  std::vector<uint8_t> buf(O::kSize);
  FillAmd64Context(MakeThread(), kContextControl, absl::MakeSpan(buf));
  EXPECT_EQ(At<uint64_t>(buf, O::kRip), 0xDEADBEEFu);
  EXPECT_EQ(At<uint64_t>(buf, O::kRbp), 0x7777u);
  EXPECT_EQ(At<uint64_t>(buf, O::kRax), 0u);
  EXPECT_EQ(At<uint16_t>(buf, O::kSegDs), 0);
  EXPECT_EQ(At<uint16_t>(buf, O::kFltSave), 0);
}

TEST(Amd64Context, NoFpregsLeavesFltSaveZero) {
  ThreadState t = MakeThread();
  t.has_fpregs = false;
  std::vector<uint8_t> buf(O::kSize, 0xCC);
  FillAmd64Context(t, kContextAll, absl::MakeSpan(buf));
  EXPECT_EQ(At<uint16_t>(buf, O::kFltSave), 0);
  EXPECT_EQ(At<uint32_t>(buf, O::kMxCsr), 0u);
}

TEST(Amd64Context, NeverWritesPastTheBuffer) {
  // A short buffer inside a larger one: the guard bytes after it must survive.
  for (size_t size : {0u, 0x30u, 0x34u, 0xF9u, 0x100u, 0x150u, 0x4CFu}) {
    std::vector<uint8_t> big(O::kSize + 64, 0xEE);
    FillAmd64Context(MakeThread(), kContextAll, absl::MakeSpan(big.data(), size));
    for (size_t i = size; i < big.size(); ++i) {
      ASSERT_EQ(big[i], 0xEE) << "size " << size << " byte " << i;
    }
  }
}

TEST(Amd64Context, LargerBuffersAreZeroedBeyondTheLayout) {
  std::vector<uint8_t> buf(4096, 0xCC);
  FillAmd64Context(MakeThread(), kContextAll, absl::MakeSpan(buf));
  for (size_t i = O::kSize; i < buf.size(); ++i) ASSERT_EQ(buf[i], 0) << i;
}

TEST(Amd64Context, ReadContextRegisterIsBounded) {
  std::vector<uint8_t> buf(O::kSize);
  FillAmd64Context(MakeThread(), kContextAll, absl::MakeSpan(buf));
  EXPECT_EQ(ReadContextRegister(buf, O::kRip), 0xDEADBEEFu);
  EXPECT_EQ(ReadContextRegister(absl::MakeConstSpan(buf.data(), 0xFF), O::kRip), 0u);
}

}  // namespace
}  // namespace ddcrash::dac
