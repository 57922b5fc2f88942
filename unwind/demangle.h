// Demangling of C++ (Itanium ABI) symbol names.
#ifndef DDCRASH_UNWIND_DEMANGLE_H_
#define DDCRASH_UNWIND_DEMANGLE_H_

#include <string>
#include <string_view>

namespace ddcrash {

// The demangled form of `name` via abi::__cxa_demangle, or `name` itself when it is not a
// mangled C++ name (or cannot be demangled). Versioned names ("foo@@GLIBC_2.2.5") are handled.
std::string Demangle(std::string_view name);

}  // namespace ddcrash

#endif  // DDCRASH_UNWIND_DEMANGLE_H_
