// UTF-16 (the DAC's WCHAR strings) <-> UTF-8 conversion. Malformed input (lone surrogates)
// becomes U+FFFD; never fails.
#ifndef DDCRASH_DAC_INTERNAL_UTF16_H_
#define DDCRASH_DAC_INTERNAL_UTF16_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace ddcrash::dac {

std::string Utf16ToUtf8(std::u16string_view text);
std::u16string Utf8ToUtf16(std::string_view text);
// Length of a NUL-terminated UTF-16 string, looking at no more than `max` units.
size_t Utf16Length(const char16_t* text, size_t max);

}  // namespace ddcrash::dac

#endif  // DDCRASH_DAC_INTERNAL_UTF16_H_
