// The ELF section in which ILCompiler (NativeAOT) places compiled managed code. A module with it
// is a NativeAOT image (dac/runtime_info.h), and the symbols in it are managed methods
// (unwind/nativeaot_names.h).
#ifndef DDCRASH_ELF_NATIVEAOT_SECTION_H_
#define DDCRASH_ELF_NATIVEAOT_SECTION_H_

#include <string_view>

namespace ddcrash {

inline constexpr std::string_view kNativeAotCodeSection = "__managedcode";

}  // namespace ddcrash

#endif  // DDCRASH_ELF_NATIVEAOT_SECTION_H_
