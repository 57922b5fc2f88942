// Minimal COM vocabulary for hosting the .NET DAC on Linux x64: the Windows scalar types the
// DAC's interfaces use, GUIDs, HRESULT values and IUnknown. Our own declarations, written from
// the interface facts in shared/research/dac-hosting.md.
//
// On Linux x64 the DAC's STDMETHODCALLTYPE is the plain SysV calling convention, so a COM
// interface is a C++ struct of pure virtual functions (this = first argument). Interfaces never
// declare a virtual destructor: it would add vtable slots the DAC does not have.
#ifndef DDCRASH_DAC_INTERNAL_COM_H_
#define DDCRASH_DAC_INTERNAL_COM_H_

#include <cstdint>
#include <cstring>

namespace ddcrash::dac {

using HRESULT = int32_t;
using ULONG = uint32_t;  // Windows ULONG is 32-bit (LLP64), also in the DAC's PAL
using ULONG32 = uint32_t;
using ULONG64 = uint64_t;
using DWORD = uint32_t;
using BOOL = int32_t;
using BYTE = uint8_t;
using WCHAR = char16_t;  // UTF-16, never Linux wchar_t
using CLRDATA_ADDRESS = uint64_t;
using CLRDATA_ENUM = uint64_t;
using mdToken = uint32_t;

struct GUID {
  uint32_t data1;
  uint16_t data2;
  uint16_t data3;
  uint8_t data4[8];
};
static_assert(sizeof(GUID) == 16);
using REFIID = const GUID&;

inline bool operator==(const GUID& a, const GUID& b) { return std::memcmp(&a, &b, sizeof(GUID)) == 0; }

constexpr HRESULT S_OK = 0;
constexpr HRESULT S_FALSE = 1;
constexpr HRESULT E_NOTIMPL = static_cast<HRESULT>(0x80004001);
constexpr HRESULT E_NOINTERFACE = static_cast<HRESULT>(0x80004002);
constexpr HRESULT E_POINTER = static_cast<HRESULT>(0x80004003);
constexpr HRESULT E_FAIL = static_cast<HRESULT>(0x80004005);
constexpr HRESULT E_UNEXPECTED = static_cast<HRESULT>(0x8000FFFF);
constexpr HRESULT E_INVALIDARG = static_cast<HRESULT>(0x80070057);
constexpr HRESULT E_OUTOFMEMORY = static_cast<HRESULT>(0x8007000E);
// HRESULT_FROM_WIN32(ERROR_PARTIAL_COPY): the usual "memory not readable" answer.
constexpr HRESULT HRESULT_PARTIAL_COPY = static_cast<HRESULT>(0x8007012B);
constexpr HRESULT CORDBG_E_MISSING_DEBUGGER_EXPORTS = static_cast<HRESULT>(0x80131C4F);

inline bool Succeeded(HRESULT hr) { return hr >= 0; }
inline bool Failed(HRESULT hr) { return hr < 0; }

// {00000000-0000-0000-C000-000000000046}
inline constexpr GUID IID_IUnknown = {0x00000000, 0x0000, 0x0000,
                                      {0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46}};

struct IUnknown {
  virtual HRESULT QueryInterface(REFIID iid, void** object) = 0;  // slot 0
  virtual ULONG AddRef() = 0;                                      // slot 1
  virtual ULONG Release() = 0;                                     // slot 2
};

}  // namespace ddcrash::dac

#endif  // DDCRASH_DAC_INTERNAL_COM_H_
