// Helpers for calling the DAC's COM functions safely: struct slack and wide-string buffers.
#ifndef DDCRASH_DAC_INTERNAL_DAC_CALLS_H_
#define DDCRASH_DAC_INTERNAL_DAC_CALLS_H_

#include <cstdint>
#include <string>

#include "dac/internal/com.h"
#include "dac/internal/utf16.h"

namespace ddcrash::dac {

// The DAC fills structs of its own build's size; leave slack so that a newer, larger struct
// can never write past our buffer.
template <typename T>
struct Padded {
  T value{};
  uint8_t slack[512] = {};
};

inline constexpr ULONG kMaxNameLength = 1 << 16;

// Calls a DAC "(count, WCHAR* buffer, ULONG* needed)" function, growing the buffer once.
template <typename F>
std::string WideString(F&& call) {
  std::u16string buf(512, u'\0');
  ULONG needed = 0;
  HRESULT hr = call(static_cast<ULONG>(buf.size()), buf.data(), &needed);
  if (Failed(hr) && needed <= buf.size()) return std::string();
  if (needed > buf.size()) {
    if (needed > kMaxNameLength) return std::string();
    buf.assign(needed, u'\0');
    needed = 0;
    hr = call(static_cast<ULONG>(buf.size()), buf.data(), &needed);
    if (Failed(hr)) return std::string();
  }
  return Utf16ToUtf8(std::u16string_view(buf.data(), Utf16Length(buf.data(), buf.size())));
}

}  // namespace ddcrash::dac

#endif  // DDCRASH_DAC_INTERNAL_DAC_CALLS_H_
