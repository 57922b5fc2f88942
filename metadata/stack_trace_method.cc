#include "metadata/stack_trace_method.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "binary/byte_reader.h"
#include "metadata/compressed_integer.h"
#include "pe/pe_image.h"

namespace ddcrash::metadata {
namespace {

// Tables (II.22) beyond those metadata_reader.h names.
constexpr Table kTypeRef = static_cast<Table>(0x01);
constexpr Table kTypeDef = static_cast<Table>(0x02);
constexpr Table kParam = static_cast<Table>(0x08);
constexpr Table kInterfaceImpl = static_cast<Table>(0x09);
constexpr Table kMemberRef = static_cast<Table>(0x0A);
constexpr Table kCustomAttribute = static_cast<Table>(0x0C);
constexpr Table kTypeSpec = static_cast<Table>(0x1B);
constexpr Table kNestedClass = static_cast<Table>(0x29);
constexpr Table kGenericParam = static_cast<Table>(0x2A);

constexpr uint32_t kRowMask = 0x00FFFFFF;
constexpr uint32_t kAggressiveInlining = 0x0100;  // MethodImplAttributes
constexpr int kMaxNesting = 16;                   // enclosing types, and types inside types
constexpr int kMaxSignatureDepth = 32;

absl::Status Invalid(absl::string_view what) { return absl::InvalidArgumentError(what); }

class Describer {
 public:
  explicit Describer(const MetadataReader& r) : r_(r) {}

  absl::StatusOr<StackTraceMethod> Describe(uint32_t method_row);

 private:
  uint32_t Rows(Table t) const { return r_.RowCount(t); }
  uint32_t CellOr0(Table t, uint32_t row, int column) const {
    absl::StatusOr<uint32_t> v = r_.Cell(t, row, column);
    return v.ok() ? *v : 0;
  }
  std::string Str(Table t, uint32_t row, int column) const {
    absl::StatusOr<uint32_t> index = r_.Cell(t, row, column);
    if (!index.ok()) return std::string();
    absl::StatusOr<absl::string_view> s = r_.String(*index);
    return s.ok() ? std::string(*s) : std::string();
  }

  // The TypeDef row owning MethodDef `method_row` (MethodList ranges, II.22.37).
  uint32_t DeclaringType(uint32_t method_row) const {
    uint32_t lo = 1, hi = Rows(kTypeDef), found = 0;
    while (lo <= hi) {
      const uint32_t mid = lo + (hi - lo) / 2;
      if (CellOr0(kTypeDef, mid, 5) <= method_row) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }
  // [first, end) MethodDef rows of TypeDef `type_row`.
  std::pair<uint32_t, uint32_t> Methods(uint32_t type_row) const {
    const uint32_t first = CellOr0(kTypeDef, type_row, 5);
    const uint32_t end = type_row < Rows(kTypeDef) ? CellOr0(kTypeDef, type_row + 1, 5)
                                                   : Rows(Table::kMethodDef) + 1;
    return {first, std::max(first, end)};
  }
  // The rows of `t` whose `column` holds `key`: a binary search when the table is marked
  // sorted (II.22 has each table searched here sorted by that column), else a scan.
  std::vector<uint32_t> RowsWhere(Table t, int column, uint32_t key) const {
    std::vector<uint32_t> rows;
    uint32_t lo = 1;
    if (r_.Sorted(t)) {
      uint32_t hi = Rows(t) + 1;
      while (lo < hi) {
        const uint32_t mid = lo + (hi - lo) / 2;
        if (CellOr0(t, mid, column) < key) lo = mid + 1; else hi = mid;
      }
    }
    for (uint32_t i = lo; i <= Rows(t); ++i) {
      if (CellOr0(t, i, column) == key) {
        rows.push_back(i);
      } else if (r_.Sorted(t)) {
        break;
      }
    }
    return rows;
  }
  uint32_t Enclosing(uint32_t type_row) const {
    const std::vector<uint32_t> rows = RowsWhere(kNestedClass, 0, type_row);
    return rows.empty() ? 0 : CellOr0(kNestedClass, rows.front(), 1);
  }
  std::string TypeFullName(uint32_t type_row) const {
    std::string name = Str(kTypeDef, type_row, 1);
    uint32_t row = type_row;
    for (int depth = 0; depth < kMaxNesting; ++depth) {
      const uint32_t outer = Enclosing(row);
      if (outer == 0 || outer == row) {
        const std::string ns = Str(kTypeDef, row, 2);
        return ns.empty() ? name : absl::StrCat(ns, ".", name);
      }
      name = absl::StrCat(Str(kTypeDef, outer, 1), "+", name);
      row = outer;
    }
    return name;
  }

  // The names of the generic parameters of TypeOrMethodDef `owner` (coded), by number.
  std::vector<std::string> GenericParams(uint32_t owner) const {
    std::vector<std::pair<uint32_t, std::string>> params;
    for (uint32_t i : RowsWhere(kGenericParam, 2, owner)) {
      params.emplace_back(CellOr0(kGenericParam, i, 0), Str(kGenericParam, i, 3));
    }
    std::sort(params.begin(), params.end());
    std::vector<std::string> names;
    for (auto& p : params) names.push_back(std::move(p.second));
    return names;
  }

  // Name (and namespace) of the type a CustomAttribute's constructor belongs to.
  std::pair<std::string, std::string> AttributeType(uint32_t ctor) const {
    const uint32_t tag = ctor & 7, row = ctor >> 3;
    uint32_t type_row = 0;
    if (tag == 2) {  // MethodDef
      type_row = DeclaringType(row);
    } else if (tag == 3) {  // MemberRef: its parent
      const uint32_t parent = CellOr0(kMemberRef, row, 0);
      if ((parent & 7) == 1) return {Str(kTypeRef, parent >> 3, 1), Str(kTypeRef, parent >> 3, 2)};
      if ((parent & 7) == 0) type_row = parent >> 3;
    }
    if (type_row == 0) return {};
    return {Str(kTypeDef, type_row, 1), Str(kTypeDef, type_row, 2)};
  }
  // The CustomAttribute rows of HasCustomAttribute `parent` (coded).
  std::vector<uint32_t> Attributes(uint32_t parent) const {
    return RowsWhere(kCustomAttribute, 0, parent);
  }
  bool HasAttribute(uint32_t parent, absl::string_view ns, absl::string_view name) const {
    for (uint32_t row : Attributes(parent)) {
      auto [n, s] = AttributeType(CellOr0(kCustomAttribute, row, 1));
      if (n == name && s == ns) return true;
    }
    return false;
  }
  static uint32_t MethodParent(uint32_t method_row) { return method_row << 5 | 0; }
  static uint32_t TypeParent(uint32_t type_row) { return type_row << 5 | 3; }

  bool Implements(uint32_t type_row, absl::string_view ns, absl::string_view name) const {
    for (uint32_t i : RowsWhere(kInterfaceImpl, 0, type_row)) {
      const uint32_t iface = CellOr0(kInterfaceImpl, i, 1);
      std::pair<std::string, std::string> n;
      if ((iface & 3) == 1) n = {Str(kTypeRef, iface >> 2, 1), Str(kTypeRef, iface >> 2, 2)};
      if ((iface & 3) == 0) n = {Str(kTypeDef, iface >> 2, 1), Str(kTypeDef, iface >> 2, 2)};
      if (n.first == name && n.second == ns) return true;
    }
    return false;
  }

  // Type.Name of the type a signature encodes at `in`.
  absl::StatusOr<std::string> TypeName(binary::ByteReader& in, const std::vector<std::string>& type_params,
                                       const std::vector<std::string>& method_params, int depth) const;
  std::string TypeDefOrRefName(uint32_t coded, const std::vector<std::string>& type_params,
                               const std::vector<std::string>& method_params, int depth) const;

  const MetadataReader& r_;
};

std::string Describer::TypeDefOrRefName(uint32_t coded, const std::vector<std::string>& type_params,
                                        const std::vector<std::string>& method_params,
                                        int depth) const {
  const uint32_t row = coded >> 2;
  switch (coded & 3) {
    case 0: return Str(kTypeDef, row, 1);
    case 1: return Str(kTypeRef, row, 1);
    case 2: {
      absl::StatusOr<uint32_t> blob_index = r_.Cell(kTypeSpec, row, 0);
      if (!blob_index.ok()) return std::string();
      absl::StatusOr<absl::string_view> blob = r_.Blob(*blob_index);
      if (!blob.ok()) return std::string();
      binary::ByteReader in(*blob);
      absl::StatusOr<std::string> name = TypeName(in, type_params, method_params, depth + 1);
      return name.ok() ? *name : std::string();
    }
    default: return std::string();
  }
}

absl::StatusOr<std::string> Describer::TypeName(binary::ByteReader& in,
                                                const std::vector<std::string>& type_params,
                                                const std::vector<std::string>& method_params,
                                                int depth) const {
  if (depth > kMaxSignatureDepth) return Invalid("signature nests too deep");
  const uint8_t e = in.U8();
  if (!in.ok()) return Invalid("truncated signature");
  auto next = [&]() { return TypeName(in, type_params, method_params, depth + 1); };
  auto number = [&]() { return ReadCompressedUnsigned(in); };
  switch (e) {
    case 0x01: return std::string("Void");
    case 0x02: return std::string("Boolean");
    case 0x03: return std::string("Char");
    case 0x04: return std::string("SByte");
    case 0x05: return std::string("Byte");
    case 0x06: return std::string("Int16");
    case 0x07: return std::string("UInt16");
    case 0x08: return std::string("Int32");
    case 0x09: return std::string("UInt32");
    case 0x0A: return std::string("Int64");
    case 0x0B: return std::string("UInt64");
    case 0x0C: return std::string("Single");
    case 0x0D: return std::string("Double");
    case 0x0E: return std::string("String");
    case 0x16: return std::string("TypedReference");
    case 0x18: return std::string("IntPtr");
    case 0x19: return std::string("UIntPtr");
    case 0x1C: return std::string("Object");
    case 0x0F: {  // PTR
      absl::StatusOr<std::string> t = next();
      if (!t.ok()) return t;
      return *t + "*";
    }
    case 0x10: {  // BYREF
      absl::StatusOr<std::string> t = next();
      if (!t.ok()) return t;
      return *t + "&";
    }
    case 0x1D: {  // SZARRAY
      absl::StatusOr<std::string> t = next();
      if (!t.ok()) return t;
      return *t + "[]";
    }
    case 0x14: {  // ARRAY type rank numsizes size* numlobounds lobound*
      absl::StatusOr<std::string> t = next();
      if (!t.ok()) return t;
      absl::StatusOr<uint32_t> rank = number();
      absl::StatusOr<uint32_t> sizes = number();
      if (!rank.ok() || !sizes.ok() || *rank == 0 || *rank > 32 || *sizes > 32) {
        return Invalid("bad array shape");
      }
      for (uint32_t i = 0; i < *sizes; ++i) {
        if (!number().ok()) return Invalid("bad array shape");
      }
      absl::StatusOr<uint32_t> bounds = number();
      if (!bounds.ok() || *bounds > 32) return Invalid("bad array shape");
      for (uint32_t i = 0; i < *bounds; ++i) {
        if (!ReadCompressedSigned(in).ok()) return Invalid("bad array shape");
      }
      return absl::StrCat(*t, "[", std::string(*rank - 1, ','), "]");
    }
    case 0x11:    // VALUETYPE
    case 0x12: {  // CLASS
      absl::StatusOr<uint32_t> coded = number();
      if (!coded.ok()) return coded.status();
      return TypeDefOrRefName(*coded, type_params, method_params, depth);
    }
    case 0x15: {  // GENERICINST (CLASS | VALUETYPE) type argc arg*: Type.Name is the definition's
      in.U8();
      absl::StatusOr<uint32_t> coded = number();
      absl::StatusOr<uint32_t> argc = number();
      if (!coded.ok() || !argc.ok() || *argc > 64) return Invalid("bad generic instantiation");
      for (uint32_t i = 0; i < *argc; ++i) {
        absl::StatusOr<std::string> arg = next();
        if (!arg.ok()) return arg;
      }
      return TypeDefOrRefName(*coded, type_params, method_params, depth);
    }
    case 0x13:    // VAR
    case 0x1E: {  // MVAR
      absl::StatusOr<uint32_t> n = number();
      if (!n.ok()) return n.status();
      const std::vector<std::string>& names = e == 0x13 ? type_params : method_params;
      if (*n < names.size()) return names[*n];
      return absl::StrCat(e == 0x13 ? "!" : "!!", *n);
    }
    case 0x1B: {  // FNPTR: a method signature follows
      return Invalid("function pointer parameter");
    }
    case 0x1F:    // CMOD_REQD
    case 0x20: {  // CMOD_OPT: a modifier, then the type
      if (!number().ok()) return Invalid("bad custom modifier");
      return next();
    }
    case 0x45:  // PINNED
    case 0x41:  // SENTINEL
      return next();
    default:
      return Invalid(absl::StrFormat("element type 0x%02x", e));
  }
}

absl::StatusOr<StackTraceMethod> Describer::Describe(uint32_t method_row) {
  if (method_row == 0 || method_row > Rows(Table::kMethodDef)) {
    return Invalid("MethodDef row outside the table");
  }
  StackTraceMethod out;
  uint32_t type_row = DeclaringType(method_row);
  if (type_row == 0) return Invalid("method of no type");
  const uint32_t impl_flags = CellOr0(Table::kMethodDef, method_row, 1);
  out.hidden = (impl_flags & kAggressiveInlining) != 0 ||
               HasAttribute(MethodParent(method_row), "System.Diagnostics",
                            "StackTraceHiddenAttribute") ||
               HasAttribute(TypeParent(type_row), "System.Diagnostics", "StackTraceHiddenAttribute");

  // A compiler-generated state machine's method stands for the method whose StateMachine
  // attribute names its type (StackTrace.TryResolveStateMachineMethod); iterators keep
  // "+MoveNext()" after it.
  std::string suffix;
  uint32_t shown_row = method_row;
  if (HasAttribute(TypeParent(type_row), "System.Runtime.CompilerServices",
                   "CompilerGeneratedAttribute")) {
    out.async = Implements(type_row, "System.Runtime.CompilerServices", "IAsyncStateMachine");
    const uint32_t outer = Enclosing(type_row);
    const std::string machine = TypeFullName(type_row);
    if (outer != 0 && (out.async || Implements(type_row, "System.Collections", "IEnumerator"))) {
      auto [first, end] = Methods(outer);
      bool found = false;
      for (uint32_t m = first; m < end && !found; ++m) {
        for (uint32_t row : Attributes(MethodParent(m))) {
          auto [name, ns] = AttributeType(CellOr0(kCustomAttribute, row, 1));
          if (ns != "System.Runtime.CompilerServices" ||
              (name != "AsyncStateMachineAttribute" && name != "IteratorStateMachineAttribute" &&
               name != "AsyncIteratorStateMachineAttribute")) {
            continue;
          }
          // The attribute's argument: prolog 0x0001, then the type's name as a SerString.
          absl::StatusOr<absl::string_view> blob =
              r_.Blob(CellOr0(kCustomAttribute, row, 2));
          if (!blob.ok()) continue;
          binary::ByteReader in(*blob);
          if (in.U16() != 1) continue;
          absl::StatusOr<uint32_t> length = ReadCompressedUnsigned(in);
          if (!length.ok()) continue;
          absl::string_view type_name = in.Bytes(*length);
          if (!in.ok() || type_name.substr(0, type_name.find(',')) != machine) continue;
          found = true;
          shown_row = m;
          type_row = outer;
          if (name != "AsyncStateMachineAttribute") {
            suffix = absl::StrCat("+", Str(Table::kMethodDef, method_row, 3), "()");
          }
          break;
        }
      }
    }
  }

  std::string type = TypeFullName(type_row);
  std::replace(type.begin(), type.end(), '+', '.');
  const std::vector<std::string> type_params = GenericParams(type_row << 1 | 0);
  const std::vector<std::string> method_params = GenericParams(shown_row << 1 | 1);
  std::string text = absl::StrCat(type, ".", Str(Table::kMethodDef, shown_row, 3));
  if (!method_params.empty()) absl::StrAppend(&text, "[", absl::StrJoin(method_params, ","), "]");

  // Parameters: the signature's types, the Param rows' names (by sequence number).
  absl::StatusOr<uint32_t> sig_index = r_.Cell(Table::kMethodDef, shown_row, 4);
  if (!sig_index.ok()) return sig_index.status();
  absl::StatusOr<absl::string_view> sig = r_.Blob(*sig_index);
  if (!sig.ok()) return sig.status();
  binary::ByteReader in(*sig);
  const uint8_t convention = in.U8();
  if ((convention & 0x10) != 0 && !ReadCompressedUnsigned(in).ok()) return Invalid("bad signature");
  absl::StatusOr<uint32_t> count = ReadCompressedUnsigned(in);
  if (!in.ok() || !count.ok() || *count > 0xFFFF) return Invalid("bad signature");
  absl::StatusOr<std::string> ret = TypeName(in, type_params, method_params, 0);
  if (!ret.ok()) return ret.status();
  std::vector<std::string> names(*count);
  const uint32_t param_first = CellOr0(Table::kMethodDef, shown_row, 5);
  const uint32_t param_end = shown_row < Rows(Table::kMethodDef)
                                 ? CellOr0(Table::kMethodDef, shown_row + 1, 5)
                                 : Rows(kParam) + 1;
  for (uint32_t p = param_first; p < param_end && p <= Rows(kParam); ++p) {
    const uint32_t sequence = CellOr0(kParam, p, 1);
    if (sequence >= 1 && sequence <= *count) names[sequence - 1] = Str(kParam, p, 2);
  }
  std::vector<std::string> params;
  for (uint32_t i = 0; i < *count; ++i) {
    absl::StatusOr<std::string> t = TypeName(in, type_params, method_params, 0);
    if (!t.ok()) return t.status();
    params.push_back(absl::StrCat(*t, " ", names[i]));
  }
  out.text = absl::StrCat(text, "(", absl::StrJoin(params, ", "), ")", suffix);
  return out;
}

}  // namespace

absl::StatusOr<StackTraceMethod> DescribeStackTraceMethod(const MetadataReader& reader,
                                                          uint32_t token) {
  if ((token >> 24) != static_cast<uint32_t>(Table::kMethodDef)) {
    return Invalid(absl::StrFormat("0x%08x is not a MethodDef token", token));
  }
  return Describer(reader).Describe(token & kRowMask);
}

struct StackTraceMethodNamer::Assembly {
  std::string metadata;  // the reader's bytes: only the metadata, not the whole assembly
  std::optional<MetadataReader> reader;
};

StackTraceMethodNamer::StackTraceMethodNamer(std::map<std::string, binary::FileRange> bundled)
    : bundled_(std::move(bundled)) {}
StackTraceMethodNamer::~StackTraceMethodNamer() = default;

std::optional<StackTraceMethod> StackTraceMethodNamer::Describe(const std::string& assembly_path,
                                                                 uint32_t token) {
  auto [it, added] = assemblies_.try_emplace(assembly_path);
  if (added) {
    auto assembly = std::make_unique<Assembly>();
    const auto in_bundle = bundled_.find(assembly_path);
    absl::StatusOr<pe::PeImage> image =
        in_bundle != bundled_.end()
            ? pe::PeImage::FromFile(in_bundle->second)
            : pe::PeImage::FromFile(assembly_path);
    absl::StatusOr<std::string> metadata =
        image.ok() ? image->Metadata() : absl::StatusOr<std::string>(image.status());
    if (metadata.ok()) {
      assembly->metadata = *std::move(metadata);
      absl::StatusOr<MetadataReader> reader = MetadataReader::Parse(assembly->metadata);
      if (reader.ok()) assembly->reader.emplace(*std::move(reader));
    }
    it->second = std::move(assembly);
  }
  if (!it->second->reader) return std::nullopt;
  absl::StatusOr<StackTraceMethod> method = DescribeStackTraceMethod(*it->second->reader, token);
  if (!method.ok()) return std::nullopt;
  return *std::move(method);
}

}  // namespace ddcrash::metadata
