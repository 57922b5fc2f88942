#include "unwind/demangle.h"

#include <cxxabi.h>

#include <cstdlib>

namespace ddcrash {

std::string Demangle(std::string_view name) {
  if (name.size() < 2 || name[0] != '_' || name[1] != 'Z' || name.size() > 4096) {
    return std::string(name);
  }
  std::string_view base = name;
  std::string_view version;
  if (size_t at = name.find('@'); at != std::string_view::npos) {
    base = name.substr(0, at);
    version = name.substr(at);
  }
  std::string mangled(base);
  int status = 0;
  char* demangled = abi::__cxa_demangle(mangled.c_str(), nullptr, nullptr, &status);
  if (status != 0 || demangled == nullptr) {
    std::free(demangled);
    return std::string(name);
  }
  std::string out(demangled);
  std::free(demangled);
  out.append(version);
  return out;
}

}  // namespace ddcrash
