#include "metadata/internal/table_layout.h"

#include <algorithm>

namespace ddcrash::metadata::internal {
namespace {

using K = ColumnKind;
constexpr uint8_t kNone = 0xff;  // an unused tag value of a coded index

constexpr Column F2{K::kFixed2};
constexpr Column F4{K::kFixed4};
constexpr Column S{K::kString};
constexpr Column G{K::kGuid};
constexpr Column B{K::kBlob};
constexpr Column T(uint8_t table) { return Column{K::kTable, table}; }
constexpr Column C(CodedIndex kind) { return Column{K::kCoded, static_cast<uint8_t>(kind)}; }

// Table numbers (II.22 and the Portable PDB specification).
enum : uint8_t {
  kModule = 0x00, kTypeRef = 0x01, kTypeDef = 0x02, kField = 0x04, kMethodDef = 0x06,
  kParam = 0x08, kInterfaceImpl = 0x09, kMemberRef = 0x0a, kDeclSecurity = 0x0e,
  kStandAloneSig = 0x11, kEvent = 0x14, kProperty = 0x17, kModuleRef = 0x1a, kTypeSpec = 0x1b,
  kAssembly = 0x20, kAssemblyRef = 0x23, kFile = 0x26, kExportedType = 0x27,
  kManifestResource = 0x28, kGenericParam = 0x2a, kMethodSpec = 0x2b,
  kGenericParamConstraint = 0x2c, kDocument = 0x30, kLocalScope = 0x32, kLocalVariable = 0x33,
  kLocalConstant = 0x34, kImportScope = 0x35,
};

constexpr uint8_t kTypeDefOrRef[] = {kTypeDef, kTypeRef, kTypeSpec};
constexpr uint8_t kHasConstant[] = {kField, kParam, kProperty};
constexpr uint8_t kHasCustomAttribute[] = {
    kMethodDef, kField, kTypeRef, kTypeDef, kParam, kInterfaceImpl, kMemberRef, kModule,
    kDeclSecurity, kProperty, kEvent, kStandAloneSig, kModuleRef, kTypeSpec, kAssembly,
    kAssemblyRef, kFile, kExportedType, kManifestResource, kGenericParam,
    kGenericParamConstraint, kMethodSpec};
constexpr uint8_t kHasFieldMarshal[] = {kField, kParam};
constexpr uint8_t kHasDeclSecurity[] = {kTypeDef, kMethodDef, kAssembly};
constexpr uint8_t kMemberRefParent[] = {kTypeDef, kTypeRef, kModuleRef, kMethodDef, kTypeSpec};
constexpr uint8_t kHasSemantics[] = {kEvent, kProperty};
constexpr uint8_t kMethodDefOrRef[] = {kMethodDef, kMemberRef};
constexpr uint8_t kMemberForwarded[] = {kField, kMethodDef};
constexpr uint8_t kImplementation[] = {kFile, kAssemblyRef, kExportedType};
constexpr uint8_t kCustomAttributeType[] = {kNone, kNone, kMethodDef, kMemberRef, kNone};
constexpr uint8_t kResolutionScope[] = {kModule, kModuleRef, kAssemblyRef, kTypeRef};
constexpr uint8_t kTypeOrMethodDef[] = {kTypeDef, kMethodDef};
constexpr uint8_t kHasCustomDebugInformation[] = {
    kMethodDef, kField, kTypeRef, kTypeDef, kParam, kInterfaceImpl, kMemberRef, kModule,
    kDeclSecurity, kProperty, kEvent, kStandAloneSig, kModuleRef, kTypeSpec, kAssembly,
    kAssemblyRef, kFile, kExportedType, kManifestResource, kGenericParam,
    kGenericParamConstraint, kMethodSpec, kDocument, kLocalScope, kLocalVariable,
    kLocalConstant, kImportScope};

absl::Span<const uint8_t> CodedTables(CodedIndex kind) {
  switch (kind) {
    case CodedIndex::kTypeDefOrRef: return kTypeDefOrRef;
    case CodedIndex::kHasConstant: return kHasConstant;
    case CodedIndex::kHasCustomAttribute: return kHasCustomAttribute;
    case CodedIndex::kHasFieldMarshal: return kHasFieldMarshal;
    case CodedIndex::kHasDeclSecurity: return kHasDeclSecurity;
    case CodedIndex::kMemberRefParent: return kMemberRefParent;
    case CodedIndex::kHasSemantics: return kHasSemantics;
    case CodedIndex::kMethodDefOrRef: return kMethodDefOrRef;
    case CodedIndex::kMemberForwarded: return kMemberForwarded;
    case CodedIndex::kImplementation: return kImplementation;
    case CodedIndex::kCustomAttributeType: return kCustomAttributeType;
    case CodedIndex::kResolutionScope: return kResolutionScope;
    case CodedIndex::kTypeOrMethodDef: return kTypeOrMethodDef;
    case CodedIndex::kHasCustomDebugInformation: return kHasCustomDebugInformation;
  }
  return {};
}

using CI = CodedIndex;
constexpr Column kModuleCols[] = {F2, S, G, G, G};
constexpr Column kTypeRefCols[] = {C(CI::kResolutionScope), S, S};
constexpr Column kTypeDefCols[] = {F4, S, S, C(CI::kTypeDefOrRef), T(kField), T(kMethodDef)};
constexpr Column kFieldPtrCols[] = {T(kField)};
constexpr Column kFieldCols[] = {F2, S, B};
constexpr Column kMethodPtrCols[] = {T(kMethodDef)};
constexpr Column kMethodDefCols[] = {F4, F2, F2, S, B, T(kParam)};
constexpr Column kParamPtrCols[] = {T(kParam)};
constexpr Column kParamCols[] = {F2, F2, S};
constexpr Column kInterfaceImplCols[] = {T(kTypeDef), C(CI::kTypeDefOrRef)};
constexpr Column kMemberRefCols[] = {C(CI::kMemberRefParent), S, B};
constexpr Column kConstantCols[] = {F2, C(CI::kHasConstant), B};  // Type byte + padding byte
constexpr Column kCustomAttributeCols[] = {C(CI::kHasCustomAttribute),
                                           C(CI::kCustomAttributeType), B};
constexpr Column kFieldMarshalCols[] = {C(CI::kHasFieldMarshal), B};
constexpr Column kDeclSecurityCols[] = {F2, C(CI::kHasDeclSecurity), B};
constexpr Column kClassLayoutCols[] = {F2, F4, T(kTypeDef)};
constexpr Column kFieldLayoutCols[] = {F4, T(kField)};
constexpr Column kStandAloneSigCols[] = {B};
constexpr Column kEventMapCols[] = {T(kTypeDef), T(kEvent)};
constexpr Column kEventPtrCols[] = {T(kEvent)};
constexpr Column kEventCols[] = {F2, S, C(CI::kTypeDefOrRef)};
constexpr Column kPropertyMapCols[] = {T(kTypeDef), T(kProperty)};
constexpr Column kPropertyPtrCols[] = {T(kProperty)};
constexpr Column kPropertyCols[] = {F2, S, B};
constexpr Column kMethodSemanticsCols[] = {F2, T(kMethodDef), C(CI::kHasSemantics)};
constexpr Column kMethodImplCols[] = {T(kTypeDef), C(CI::kMethodDefOrRef),
                                      C(CI::kMethodDefOrRef)};
constexpr Column kModuleRefCols[] = {S};
constexpr Column kTypeSpecCols[] = {B};
constexpr Column kImplMapCols[] = {F2, C(CI::kMemberForwarded), S, T(kModuleRef)};
constexpr Column kFieldRvaCols[] = {F4, T(kField)};
constexpr Column kEncLogCols[] = {F4, F4};
constexpr Column kEncMapCols[] = {F4};
constexpr Column kAssemblyCols[] = {F4, F2, F2, F2, F2, F4, B, S, S};
constexpr Column kAssemblyProcessorCols[] = {F4};
constexpr Column kAssemblyOsCols[] = {F4, F4, F4};
constexpr Column kAssemblyRefCols[] = {F2, F2, F2, F2, F4, B, S, S, B};
constexpr Column kAssemblyRefProcessorCols[] = {F4, T(kAssemblyRef)};
constexpr Column kAssemblyRefOsCols[] = {F4, F4, F4, T(kAssemblyRef)};
constexpr Column kFileCols[] = {F4, S, B};
constexpr Column kExportedTypeCols[] = {F4, F4, S, S, C(CI::kImplementation)};
constexpr Column kManifestResourceCols[] = {F4, F4, S, C(CI::kImplementation)};
constexpr Column kNestedClassCols[] = {T(kTypeDef), T(kTypeDef)};
constexpr Column kGenericParamCols[] = {F2, F2, C(CI::kTypeOrMethodDef), S};
constexpr Column kMethodSpecCols[] = {C(CI::kMethodDefOrRef), B};
constexpr Column kGenericParamConstraintCols[] = {T(kGenericParam), C(CI::kTypeDefOrRef)};
constexpr Column kDocumentCols[] = {B, G, B, G};
constexpr Column kMethodDebugInformationCols[] = {T(kDocument), B};
constexpr Column kLocalScopeCols[] = {T(kMethodDef), T(kImportScope), T(kLocalVariable),
                                      T(kLocalConstant), F4, F4};
constexpr Column kLocalVariableCols[] = {F2, F2, S};
constexpr Column kLocalConstantCols[] = {S, B};
constexpr Column kImportScopeCols[] = {T(kImportScope), B};
constexpr Column kStateMachineMethodCols[] = {T(kMethodDef), T(kMethodDef)};
constexpr Column kCustomDebugInformationCols[] = {C(CI::kHasCustomDebugInformation), G, B};

uint8_t IndexWidth(uint32_t max_rows, int tag_bits, bool all_large) {
  return (all_large || max_rows >= (1u << (16 - tag_bits))) ? 4 : 2;
}

int TagBits(size_t choices) {
  int bits = 0;
  while ((size_t{1} << bits) < choices) ++bits;
  return bits;
}

}  // namespace

absl::Span<const Column> TableColumns(int table) {
  switch (table) {
    case 0x00: return kModuleCols;
    case 0x01: return kTypeRefCols;
    case 0x02: return kTypeDefCols;
    case 0x03: return kFieldPtrCols;
    case 0x04: return kFieldCols;
    case 0x05: return kMethodPtrCols;
    case 0x06: return kMethodDefCols;
    case 0x07: return kParamPtrCols;
    case 0x08: return kParamCols;
    case 0x09: return kInterfaceImplCols;
    case 0x0a: return kMemberRefCols;
    case 0x0b: return kConstantCols;
    case 0x0c: return kCustomAttributeCols;
    case 0x0d: return kFieldMarshalCols;
    case 0x0e: return kDeclSecurityCols;
    case 0x0f: return kClassLayoutCols;
    case 0x10: return kFieldLayoutCols;
    case 0x11: return kStandAloneSigCols;
    case 0x12: return kEventMapCols;
    case 0x13: return kEventPtrCols;
    case 0x14: return kEventCols;
    case 0x15: return kPropertyMapCols;
    case 0x16: return kPropertyPtrCols;
    case 0x17: return kPropertyCols;
    case 0x18: return kMethodSemanticsCols;
    case 0x19: return kMethodImplCols;
    case 0x1a: return kModuleRefCols;
    case 0x1b: return kTypeSpecCols;
    case 0x1c: return kImplMapCols;
    case 0x1d: return kFieldRvaCols;
    case 0x1e: return kEncLogCols;
    case 0x1f: return kEncMapCols;
    case 0x20: return kAssemblyCols;
    case 0x21: return kAssemblyProcessorCols;
    case 0x22: return kAssemblyOsCols;
    case 0x23: return kAssemblyRefCols;
    case 0x24: return kAssemblyRefProcessorCols;
    case 0x25: return kAssemblyRefOsCols;
    case 0x26: return kFileCols;
    case 0x27: return kExportedTypeCols;
    case 0x28: return kManifestResourceCols;
    case 0x29: return kNestedClassCols;
    case 0x2a: return kGenericParamCols;
    case 0x2b: return kMethodSpecCols;
    case 0x2c: return kGenericParamConstraintCols;
    case 0x30: return kDocumentCols;
    case 0x31: return kMethodDebugInformationCols;
    case 0x32: return kLocalScopeCols;
    case 0x33: return kLocalVariableCols;
    case 0x34: return kLocalConstantCols;
    case 0x35: return kImportScopeCols;
    case 0x36: return kStateMachineMethodCols;
    case 0x37: return kCustomDebugInformationCols;
    default: return {};
  }
}

TableLayout ComputeLayout(const std::array<uint32_t, kTableCount>& sizing_rows, HeapSizes heaps,
                          bool all_large) {
  TableLayout layout;
  for (int table = 0; table < kTableCount; ++table) {
    uint32_t offset = 0;
    absl::Span<const Column> columns = TableColumns(table);
    for (size_t i = 0; i < columns.size(); ++i) {
      const Column& column = columns[i];
      uint8_t width = 0;
      switch (column.kind) {
        case K::kFixed2: width = 2; break;
        case K::kFixed4: width = 4; break;
        case K::kString: width = (all_large || heaps.large_strings) ? 4 : 2; break;
        case K::kGuid: width = (all_large || heaps.large_guids) ? 4 : 2; break;
        case K::kBlob: width = (all_large || heaps.large_blobs) ? 4 : 2; break;
        case K::kTable: width = IndexWidth(sizing_rows[column.arg], 0, all_large); break;
        case K::kCoded: {
          absl::Span<const uint8_t> tables = CodedTables(static_cast<CodedIndex>(column.arg));
          uint32_t max_rows = 0;
          for (uint8_t t : tables) {
            if (t != kNone) max_rows = std::max(max_rows, sizing_rows[t]);
          }
          width = IndexWidth(max_rows, TagBits(tables.size()), all_large);
          break;
        }
      }
      layout.column_offset[table][i] = static_cast<uint8_t>(offset);
      layout.column_width[table][i] = width;
      offset += width;
    }
    layout.row_size[table] = offset;
  }
  return layout;
}

}  // namespace ddcrash::metadata::internal
