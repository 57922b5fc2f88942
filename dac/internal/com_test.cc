// Checks of the COM declarations: struct layouts (static_asserts in sospriv.h fire at compile
// time), GUID byte order, vtable slot positions, and ComPtr reference counting.
#include <cstring>

#include "dac/internal/clrdata.h"
#include "dac/internal/com_ptr.h"
#include "dac/internal/sospriv.h"
#include "gtest/gtest.h"

namespace ddcrash::dac {
namespace {

TEST(Com, GuidLayoutIsWindowsLayout) {
  // {5c552ab6-fc09-4cb3-8e36-22fa03c798b7} in memory: little-endian data1..3, then bytes.
  const uint8_t expected[16] = {0xB6, 0x2A, 0x55, 0x5C, 0x09, 0xFC, 0xB3, 0x4C,
                                0x8E, 0x36, 0x22, 0xFA, 0x03, 0xC7, 0x98, 0xB7};
  EXPECT_EQ(std::memcmp(&IID_IXCLRDataProcess, expected, 16), 0);
}

// Slot index of the method a raw vtable call lands on, found by calling through the slot.
struct Recorder : IXCLRDataStackWalk {
  int last = -1;
  HRESULT QueryInterface(REFIID, void**) override { return last = 0, S_OK; }
  ULONG AddRef() override { return last = 1, 1; }
  ULONG Release() override { return last = 2, 1; }
  HRESULT GetContext(ULONG32, ULONG32, ULONG32*, BYTE*) override { return last = 3, S_OK; }
  HRESULT Slot_SetContext() override { return last = 4, S_OK; }
  HRESULT Next() override { return last = 5, S_OK; }
  HRESULT GetStackSizeSkipped(ULONG64*) override { return last = 6, S_OK; }
  HRESULT GetFrameType(int32_t*, int32_t*) override { return last = 7, S_OK; }
  HRESULT Slot_GetFrame() override { return last = 8, S_OK; }
  HRESULT Request(ULONG32, ULONG32, BYTE*, ULONG32, BYTE*) override { return last = 9, S_OK; }
  HRESULT Slot_SetContext2() override { return last = 10, S_OK; }
};

TEST(Com, StackWalkSlots) {
  Recorder r;
  void** vtable = *reinterpret_cast<void***>(static_cast<IXCLRDataStackWalk*>(&r));
  using NextFn = HRESULT (*)(IXCLRDataStackWalk*);
  reinterpret_cast<NextFn>(vtable[5])(&r);
  EXPECT_EQ(r.last, 5);
  using RequestFn = HRESULT (*)(IXCLRDataStackWalk*, ULONG32, ULONG32, BYTE*, ULONG32, BYTE*);
  reinterpret_cast<RequestFn>(vtable[9])(&r, 0, 0, nullptr, 0, nullptr);
  EXPECT_EQ(r.last, 9);
}

TEST(Com, ComPtrCountsReferences) {
  struct Counted : IUnknown {
    int refs = 1;
    HRESULT QueryInterface(REFIID, void** out) override {
      *out = this;
      ++refs;
      return S_OK;
    }
    ULONG AddRef() override { return ++refs; }
    ULONG Release() override { return --refs; }
  } obj;
  {
    ComPtr<IUnknown> a = ComPtr<IUnknown>::Adopt(&obj);
    EXPECT_EQ(obj.refs, 1);
    ComPtr<IUnknown> b = a;
    EXPECT_EQ(obj.refs, 2);
    ComPtr<IUnknown> c = a.As<IUnknown>(IID_IUnknown);
    EXPECT_EQ(obj.refs, 3);
    ComPtr<IUnknown> d = std::move(b);
    EXPECT_EQ(obj.refs, 3);
    d.Reset();
    EXPECT_EQ(obj.refs, 2);
  }
  EXPECT_EQ(obj.refs, 0);
}

}  // namespace
}  // namespace ddcrash::dac
