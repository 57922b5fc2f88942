#include "capture/exception_text.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"

namespace ddcrash {
namespace {

constexpr char kPreviousLocation[] = "--- End of stack trace from previous location ---";
// Inner chains and aggregates nest; the bound matches the deepest chain the capture writes.
constexpr int kMaxDepth = 64;

// `text` without its bracketed parts ("Repo`1[[System.__Canon, ...]]" -> "Repo`1").
std::string WithoutBrackets(absl::string_view text) {
  std::string out;
  int depth = 0;
  for (char c : text) {
    if (c == '[') ++depth;
    if (depth == 0) out.push_back(c);
    if (c == ']' && depth > 0) --depth;
  }
  return out;
}

// The items of a list at bracket depth 0 ("A, B[[C, D]]" -> "A", "B[[C, D]]").
std::vector<std::string> SplitTopLevel(absl::string_view list, char separator) {
  std::vector<std::string> items;
  std::string item;
  int depth = 0;
  for (char c : list) {
    if (c == '[' || c == '<' || c == '(') ++depth;
    if ((c == ']' || c == '>' || c == ')') && depth > 0) --depth;
    if (c == separator && depth == 0) {
      items.push_back(item);
      item.clear();
      continue;
    }
    item.push_back(c);
  }
  if (!item.empty()) items.push_back(item);
  for (std::string& i : items) {
    size_t b = i.find_first_not_of(' ');
    size_t e = i.find_last_not_of(' ');
    i = b == std::string::npos ? std::string() : i.substr(b, e - b + 1);
  }
  return items;
}

// Type.Name of a full type name: no namespace, no enclosing type, no instantiation, with any
// array, pointer or by-ref suffix ("System.Int32[]" -> "Int32[]").
std::string ShortTypeName(absl::string_view full_name) {
  // The DAC spells a by-ref parameter "T ByRef" where the runtime prints "T&", and a generic
  // instantiation "ReadOnlySpan`1<Char>" where Type.Name is "ReadOnlySpan`1".
  std::string spelled(full_name);
  if (absl::EndsWith(spelled, " ByRef")) spelled = spelled.substr(0, spelled.size() - 6) + "&";
  std::string unangled;
  int angle = 0;
  for (char c : spelled) {
    if (c == '<' && !unangled.empty() && unangled.back() != '.' && unangled.back() != '+') {
      ++angle;
      continue;
    }
    if (c == '>' && angle > 0) {
      --angle;
      continue;
    }
    if (angle == 0) unangled.push_back(c);
  }
  absl::string_view full = unangled;
  std::string name = WithoutBrackets(full);
  // Keep array ranks ("[]", "[,]") that WithoutBrackets dropped along with instantiations.
  std::string suffix;
  for (size_t i = full.size(); i > 0;) {
    if (full[i - 1] == ']' && i >= 2) {
      size_t open = full.rfind('[', i - 1);
      if (open == absl::string_view::npos) break;
      absl::string_view rank = full.substr(open, i - open);
      if (rank.find_first_not_of("[,]") != absl::string_view::npos) break;
      suffix = absl::StrCat(rank, suffix);
      i = open;
      continue;
    }
    if (full[i - 1] == '&' || full[i - 1] == '*') {
      suffix = absl::StrCat(full.substr(i - 1, 1), suffix);
      --i;
      continue;
    }
    break;
  }
  while (!name.empty() && (name.back() == '&' || name.back() == '*')) name.pop_back();
  size_t cut = name.find_last_of(".+");
  if (cut != std::string::npos) name = name.substr(cut + 1);
  return name + suffix;
}

// "<Name>d__N": the name Roslyn gives an async method's (or an iterator's) state machine.
bool StateMachineMethod(absl::string_view type_segment, std::string* method) {
  if (!absl::StartsWith(type_segment, "<")) return false;
  size_t close = type_segment.find(">d__");
  if (close == absl::string_view::npos || close < 2) return false;
  absl::string_view digits = type_segment.substr(close + 4);
  if (digits.empty() || digits.find_first_not_of("0123456789") != absl::string_view::npos) {
    return false;
  }
  *method = std::string(type_segment.substr(1, close - 1));
  return true;
}

struct MethodName {
  std::string text;
  bool async = false;  // an async method's state machine: no "previous location" line after it
};

MethodName NameOf(const Frame& frame) {
  const ManagedFrame& m = frame.managed();
  MethodName out;
  std::string type = m.type();
  std::string method = m.method();
  if (!type.empty() && absl::StartsWith(method, type + ".")) method = method.substr(type.size() + 1);
  // The DAC's signature carries the parameter list after the name.
  std::vector<std::string> params;
  absl::string_view signature = frame.function();
  int depth = 0;
  for (size_t i = 0; i < signature.size(); ++i) {
    char c = signature[i];
    if (c == '[') ++depth;
    if (c == ']' && depth > 0) --depth;
    if (c == '(' && depth == 0) {
      size_t close = signature.rfind(')');
      if (close != absl::string_view::npos && close > i) {
        for (const std::string& p : SplitTopLevel(signature.substr(i + 1, close - i - 1), ',')) {
          params.push_back(ShortTypeName(p));
        }
      }
      break;
    }
  }
  // A generic method's arguments: "Find[[System.Int32, System.Private.CoreLib]]" -> "[Int32]".
  std::string generic_args;
  if (size_t open = method.find('['); open != std::string::npos) {
    std::string inner = method.substr(open);
    method = method.substr(0, open);
    if (inner.size() > 2 && absl::StartsWith(inner, "[") && absl::EndsWith(inner, "]")) {
      std::vector<std::string> names;
      for (const std::string& arg : SplitTopLevel(inner.substr(1, inner.size() - 2), ',')) {
        std::string a = arg;
        if (absl::StartsWith(a, "[") && absl::EndsWith(a, "]")) a = a.substr(1, a.size() - 2);
        names.push_back(ShortTypeName(SplitTopLevel(a, ',').empty() ? a : SplitTopLevel(a, ',')[0]));
      }
      generic_args = absl::StrCat("[", absl::StrJoin(names, ","), "]");
    }
  }
  std::string display_type = WithoutBrackets(type);
  if (method == "MoveNext") {
    size_t nested = display_type.rfind('+');
    std::string original;
    if (nested != std::string::npos &&
        StateMachineMethod(absl::string_view(display_type).substr(nested + 1), &original)) {
      display_type = display_type.substr(0, nested);
      method = original;
      params.clear();  // the async method's own parameters are not in the state machine's name
      out.async = true;
    }
  }
  std::replace(display_type.begin(), display_type.end(), '+', '.');
  out.text = absl::StrCat(display_type, display_type.empty() ? "" : ".", method, generic_args, "(",
                          absl::StrJoin(params, ", "), ")");
  return out;
}

}  // namespace

std::string StackTraceMethodName(const Frame& frame) { return NameOf(frame).text; }

std::string ComposeStackTrace(const Exception& exception, const MethodNamer& namer) {
  std::string text = exception.remote_stack_trace();
  std::vector<uint32_t> ends(exception.previous_throw_ends().begin(),
                             exception.previous_throw_ends().end());
  bool first = true;
  for (int i = 0; i < exception.frames_size(); ++i) {
    const Frame& frame = exception.frames(i);
    std::optional<RuntimeMethodName> name;
    if (namer) name = namer(frame);
    if (!name) {
      MethodName dac = NameOf(frame);
      name = RuntimeMethodName{dac.text, false, dac.async};
    }
    // The runtime leaves hidden frames out, but never the last.
    if (name->hidden && i + 1 < exception.frames_size()) continue;
    absl::StrAppend(&text, first ? "" : "\n", "   at ", name->text);
    first = false;
    const ManagedFrame& m = frame.managed();
    if (m.il_offset() != -1 && !m.source_file().empty()) {
      absl::StrAppend(&text, " in ", m.source_file(), ":line ", m.source_line());
    }
    if (!name->async &&
        std::find(ends.begin(), ends.end(), static_cast<uint32_t>(i)) != ends.end()) {
      absl::StrAppend(&text, "\n", kPreviousLocation);
    }
  }
  // Not the runtime's text: the frames the report's bounds cut, so that the text says it is short.
  if (exception.frames_omitted() > 0) {
    absl::StrAppend(&text, first ? "" : "\n", "   ... ", exception.frames_omitted(),
                    " more frames (cut by the report's bounds)");
  }
  return text;
}

namespace {

void ComposeAtDepth(Exception* exception, const MethodNamer& namer, int depth) {
  if (depth >= kMaxDepth) return;
  if (exception->stack_trace().empty()) {
    exception->set_stack_trace(ComposeStackTrace(*exception, namer));
  }
  if (exception->has_inner()) ComposeAtDepth(exception->mutable_inner(), namer, depth + 1);
  for (Exception& inner : *exception->mutable_inner_exceptions()) {
    ComposeAtDepth(&inner, namer, depth + 1);
  }
}

}  // namespace

void ComposeStackTraces(Exception* exception, const MethodNamer& namer) {
  ComposeAtDepth(exception, namer, 0);
}

}  // namespace ddcrash
