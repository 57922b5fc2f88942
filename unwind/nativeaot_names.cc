#include "unwind/nativeaot_names.h"

#include <vector>

namespace ddcrash {
namespace {

constexpr std::string_view kCoreLibPrefix = "S_P_CoreLib_";

bool IsIdentifierChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// "A_B_C" as its parts; nullopt when a part is empty ("A__B", "_A", "A_").
std::optional<std::vector<std::string_view>> Parts(std::string_view text) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    const size_t underscore = text.find('_', start);
    std::string_view part = text.substr(start, underscore - start);
    if (part.empty()) return std::nullopt;
    parts.push_back(part);
    if (underscore == std::string_view::npos) return parts;
    start = underscore + 1;
  }
}

// Parts joined with '.'; an all-digit part is the generic arity of the type before it
// (Dictionary_2 is Dictionary`2).
std::string Dotted(const std::vector<std::string_view>& parts, size_t from) {
  std::string out;
  for (size_t i = from; i < parts.size(); ++i) {
    const bool arity = !out.empty() && parts[i].find_first_not_of("0123456789") == std::string_view::npos;
    if (!out.empty()) out += arity ? '`' : '.';
    out.append(parts[i]);
  }
  return out;
}

}  // namespace

std::optional<std::string> NativeAotMethodName(std::string_view symbol) {
  for (char c : symbol) {
    if (!IsIdentifierChar(c)) return std::nullopt;
  }
  const size_t separator = symbol.find("__");
  if (separator == std::string_view::npos) return std::nullopt;
  std::string_view type = symbol.substr(0, separator);
  std::string_view method = symbol.substr(separator + 2);
  // Overloads after the first carry "_<n>": the .NET name has none.
  const size_t last = method.find_last_of('_');
  if (last != std::string_view::npos && last + 1 < method.size() &&
      method.find_first_not_of("0123456789", last + 1) == std::string_view::npos) {
    method = method.substr(0, last);
  }
  // A '_' right after the separator, or a second "__": compiler-generated names.
  if (method.empty() || method[0] == '_' || method.find("__") != std::string_view::npos) {
    return std::nullopt;
  }
  if (type.substr(0, kCoreLibPrefix.size()) == kCoreLibPrefix) {
    std::optional<std::vector<std::string_view>> parts = Parts(type.substr(kCoreLibPrefix.size()));
    if (!parts) return std::nullopt;
    return Dotted(*parts, 0) + "." + std::string(method);
  }
  std::optional<std::vector<std::string_view>> parts = Parts(type);
  if (!parts) return std::nullopt;
  // <assembly>_<assembly as the namespace's start>_..._<type>: the shortest repeated prefix.
  const size_t n = parts->size();
  for (size_t k = 1; 2 * k <= n; ++k) {
    bool repeated = true;
    for (size_t i = 0; i < k && repeated; ++i) repeated = (*parts)[i] == (*parts)[k + i];
    if (repeated) return Dotted(*parts, k) + "." + std::string(method);
  }
  return std::nullopt;
}

}  // namespace ddcrash
