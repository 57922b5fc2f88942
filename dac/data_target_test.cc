#include "dac/data_target.h"

#include <cstring>
#include <string>
#include <vector>

#include "dac/amd64_context.h"
#include "gtest/gtest.h"
#include "ptrace/fake_process_memory.h"

namespace ddcrash::dac {
namespace {

std::vector<LoadedModule> Modules() {
  LoadedModule coreclr;
  coreclr.path = "/opt/app/LibCoreClr.so";
  coreclr.kind = ModuleKind::kElf;
  coreclr.base = 0x7f0000000000;
  coreclr.end = 0x7f0000100000;
  LoadedModule dll;
  dll.path = "/opt/app/System.Private.CoreLib.dll";
  dll.kind = ModuleKind::kPe;
  dll.base = 0x7e0000000000;
  dll.end = 0x7e0000100000;
  return {dll, coreclr};
}

std::vector<ThreadState> Threads() {
  ThreadState a;
  a.tid = 100;
  a.stopped = true;
  a.regs.rip = 0x401000;
  a.regs.rsp = 0x7ffd0000;
  ThreadState b;
  b.tid = 101;
  b.stopped = false;
  b.error = "exited";
  return {a, b};
}

class DataTargetTest : public ::testing::Test {
 protected:
  DataTargetTest() {
    memory_.AddRegion(0x1000, std::string("0123456789abcdef"));
    target_ = DataTarget::Create(memory_, threads_, Modules(), 0x7f0000000000);
  }
  FakeProcessMemory memory_;
  const std::vector<ThreadState> threads_ = Threads();  // outlives target_
  ComPtr<DataTarget> target_;
};

TEST_F(DataTargetTest, MachineAndPointerSize) {
  ULONG32 v = 0;
  EXPECT_EQ(target_->GetMachineType(&v), S_OK);
  EXPECT_EQ(v, 0x8664u);
  EXPECT_EQ(target_->GetPointerSize(&v), S_OK);
  EXPECT_EQ(v, 8u);
}

TEST_F(DataTargetTest, ImageBaseMatchesFileNameCaseInsensitively) {
  CLRDATA_ADDRESS base = 0;
  EXPECT_EQ(target_->GetImageBase(u"libcoreclr.so", &base), S_OK);
  EXPECT_EQ(base, 0x7f0000000000u);
  EXPECT_EQ(target_->GetImageBase(u"/elsewhere/LIBCORECLR.SO", &base), S_OK);
  EXPECT_EQ(target_->GetImageBase(u"libclrjit.so", &base), E_FAIL);
  EXPECT_EQ(target_->GetImageBase(u"", &base), E_INVALIDARG);
  EXPECT_EQ(target_->GetImageBase(nullptr, &base), E_POINTER);
}

TEST_F(DataTargetTest, ReadVirtualFullPartialAndUnreadable) {
  uint8_t buf[32] = {};
  ULONG32 done = 99;
  EXPECT_EQ(target_->ReadVirtual(0x1004, buf, 4, &done), S_OK);
  EXPECT_EQ(done, 4u);
  EXPECT_EQ(std::memcmp(buf, "4567", 4), 0);
  // Runs off the end of the readable region: partial read succeeds with *done set.
  EXPECT_EQ(target_->ReadVirtual(0x100C, buf, 16, &done), S_OK);
  EXPECT_EQ(done, 4u);
  EXPECT_EQ(std::memcmp(buf, "cdef", 4), 0);
  EXPECT_TRUE(Failed(target_->ReadVirtual(0x9000, buf, 4, &done)));
  EXPECT_EQ(done, 0u);
  EXPECT_EQ(target_->stats().failed_reads, 1u);
}

TEST_F(DataTargetTest, WritesAreRefused) {
  uint8_t buf[4] = {};
  ULONG32 done = 7;
  EXPECT_EQ(target_->WriteVirtual(0x1000, buf, 4, &done), E_NOTIMPL);
  EXPECT_EQ(done, 0u);
  EXPECT_EQ(target_->SetThreadContext(100, 4, buf), E_NOTIMPL);
}

TEST_F(DataTargetTest, FindsTheSnapshotsThreadsByTidInPlace) {
  ASSERT_NE(target_->FindThread(100), nullptr);
  EXPECT_EQ(target_->FindThread(100), &threads_[0]);
  EXPECT_EQ(target_->FindThread(101)->error, "exited");
  EXPECT_EQ(target_->FindThread(999), nullptr);
}

TEST_F(DataTargetTest, ThreadContextInWindowsLayout) {
  std::vector<uint8_t> ctx(Amd64ContextOffsets::kSize, 0xCC);
  ASSERT_EQ(target_->GetThreadContext(100, kContextAll, ctx.size(), ctx.data()), S_OK);
  EXPECT_EQ(ReadContextRegister(ctx, 0xF8), 0x401000u);
  EXPECT_EQ(ReadContextRegister(ctx, 0x98), 0x7ffd0000u);
  uint32_t flags;
  std::memcpy(&flags, ctx.data() + 0x30, 4);
  EXPECT_EQ(flags, kContextAll);
  EXPECT_EQ(target_->GetThreadContext(101, kContextAll, ctx.size(), ctx.data()), E_FAIL);
  EXPECT_EQ(target_->GetThreadContext(999, kContextAll, ctx.size(), ctx.data()), E_INVALIDARG);
  EXPECT_EQ(target_->GetThreadContext(100, kContextAll, 16, ctx.data()), E_INVALIDARG);
}

TEST_F(DataTargetTest, QueryInterfaceAndRefCounting) {
  EXPECT_EQ(target_->ref_count(), 1u);
  void* p = nullptr;
  ASSERT_EQ(target_->QueryInterface(IID_ICLRRuntimeLocator, &p), S_OK);
  EXPECT_EQ(target_->ref_count(), 2u);
  auto* locator = static_cast<ICLRRuntimeLocator*>(p);
  CLRDATA_ADDRESS base = 0;
  EXPECT_EQ(locator->GetRuntimeBase(&base), S_OK);
  EXPECT_EQ(base, 0x7f0000000000u);
  EXPECT_EQ(locator->Release(), 1u);

  ASSERT_EQ(target_->QueryInterface(IID_ICorDebugDataTarget4, &p), S_OK);
  auto* dt4 = static_cast<ICorDebugDataTarget4*>(p);
  EXPECT_EQ(dt4->VirtualUnwind(100, 0, nullptr), E_NOTIMPL);
  dt4->Release();

  ASSERT_EQ(target_->QueryInterface(IID_IUnknown, &p), S_OK);
  EXPECT_EQ(static_cast<IUnknown*>(p), static_cast<IUnknown*>(static_cast<ICLRDataTarget*>(
                                           target_.get())));
  static_cast<IUnknown*>(p)->Release();

  p = reinterpret_cast<void*>(1);
  EXPECT_EQ(target_->QueryInterface(IID_ICLRDataTarget2, &p), E_NOINTERFACE);
  EXPECT_EQ(p, nullptr);
  EXPECT_EQ(target_->ref_count(), 1u);
}

TEST(DataTarget, NoRuntimeLocatorWithoutBase) {
  FakeProcessMemory memory;
  ComPtr<DataTarget> target = DataTarget::Create(memory, {}, Modules(), 0);
  void* p = nullptr;
  EXPECT_EQ(target->QueryInterface(IID_ICLRRuntimeLocator, &p), E_NOINTERFACE);
  CLRDATA_ADDRESS base = 0;
  EXPECT_EQ(target->GetRuntimeBase(&base), E_FAIL);
}

// The DAC calls through raw vtable slots: check ours sit where the interface facts say.
TEST_F(DataTargetTest, VtableSlotsMatchTheInterface) {
  ICLRDataTarget* iface = target_.get();
  void** vtable = *reinterpret_cast<void***>(iface);
  using GetMachineTypeFn = HRESULT (*)(ICLRDataTarget*, ULONG32*);
  using ReadVirtualFn = HRESULT (*)(ICLRDataTarget*, CLRDATA_ADDRESS, BYTE*, ULONG32, ULONG32*);
  using GetThreadContextFn = HRESULT (*)(ICLRDataTarget*, ULONG32, ULONG32, ULONG32, BYTE*);
  ULONG32 machine = 0;
  EXPECT_EQ(reinterpret_cast<GetMachineTypeFn>(vtable[3])(iface, &machine), S_OK);
  EXPECT_EQ(machine, 0x8664u);
  uint8_t buf[4];
  ULONG32 done = 0;
  EXPECT_EQ(reinterpret_cast<ReadVirtualFn>(vtable[6])(iface, 0x1000, buf, 4, &done), S_OK);
  EXPECT_EQ(done, 4u);
  std::vector<uint8_t> ctx(Amd64ContextOffsets::kSize);
  EXPECT_EQ(reinterpret_cast<GetThreadContextFn>(vtable[11])(iface, 100, kContextAll, ctx.size(),
                                                             ctx.data()),
            S_OK);
  EXPECT_EQ(ReadContextRegister(ctx, 0xF8), 0x401000u);
}

}  // namespace
}  // namespace ddcrash::dac
