// The DAC's data-access interfaces (clrdata / xclrdata), declared from the slot orders in
// shared/research/dac-hosting.md §2 and §3.3. Only the slots we call carry real signatures;
// slots we never call are declared as `Slot_<Name>()` placeholders so that every later slot
// keeps its index. Never call a placeholder.
#ifndef DDCRASH_DAC_INTERNAL_CLRDATA_H_
#define DDCRASH_DAC_INTERNAL_CLRDATA_H_

#include "dac/internal/com.h"

namespace ddcrash::dac {

// ---- Interfaces we implement (the data target) ----

// {3E11CCEE-D08B-43e5-AF01-32717A64DA03}
inline constexpr GUID IID_ICLRDataTarget = {0x3E11CCEE, 0xD08B, 0x43E5,
                                            {0xAF, 0x01, 0x32, 0x71, 0x7A, 0x64, 0xDA, 0x03}};
struct ICLRDataTarget : IUnknown {
  virtual HRESULT GetMachineType(ULONG32* machine) = 0;                                  // 3
  virtual HRESULT GetPointerSize(ULONG32* size) = 0;                                     // 4
  virtual HRESULT GetImageBase(const WCHAR* image_path, CLRDATA_ADDRESS* base) = 0;      // 5
  virtual HRESULT ReadVirtual(CLRDATA_ADDRESS address, BYTE* buffer, ULONG32 size,
                              ULONG32* done) = 0;                                        // 6
  virtual HRESULT WriteVirtual(CLRDATA_ADDRESS address, BYTE* buffer, ULONG32 size,
                               ULONG32* done) = 0;                                       // 7
  virtual HRESULT GetTLSValue(ULONG32 thread_id, ULONG32 index, CLRDATA_ADDRESS* value) = 0;  // 8
  virtual HRESULT SetTLSValue(ULONG32 thread_id, ULONG32 index, CLRDATA_ADDRESS value) = 0;   // 9
  virtual HRESULT GetCurrentThreadID(ULONG32* thread_id) = 0;                            // 10
  virtual HRESULT GetThreadContext(ULONG32 thread_id, ULONG32 context_flags, ULONG32 size,
                                   BYTE* context) = 0;                                   // 11
  virtual HRESULT SetThreadContext(ULONG32 thread_id, ULONG32 size, BYTE* context) = 0;  // 12
  virtual HRESULT Request(ULONG32 code, ULONG32 in_size, BYTE* in, ULONG32 out_size,
                          BYTE* out) = 0;                                                // 13
};

// {6d05fae3-189c-4630-a6dc-1c251e1c01ab}: we answer E_NOINTERFACE.
inline constexpr GUID IID_ICLRDataTarget2 = {0x6D05FAE3, 0x189C, 0x4630,
                                             {0xA6, 0xDC, 0x1C, 0x25, 0x1E, 0x1C, 0x01, 0xAB}};

// {b760bf44-9377-4597-8be7-58083bdc5146}
inline constexpr GUID IID_ICLRRuntimeLocator = {0xB760BF44, 0x9377, 0x4597,
                                                {0x8B, 0xE7, 0x58, 0x08, 0x3B, 0xDC, 0x51, 0x46}};
struct ICLRRuntimeLocator : IUnknown {
  virtual HRESULT GetRuntimeBase(CLRDATA_ADDRESS* base) = 0;  // 3
};

// {E799DC06-E099-4713-BDD9-906D3CC02CF2}
inline constexpr GUID IID_ICorDebugDataTarget4 = {0xE799DC06, 0xE099, 0x4713,
                                                  {0xBD, 0xD9, 0x90, 0x6D, 0x3C, 0xC0, 0x2C, 0xF2}};
struct ICorDebugDataTarget4 : IUnknown {
  virtual HRESULT VirtualUnwind(DWORD thread_id, ULONG32 context_size, BYTE* context) = 0;  // 3
};

// ---- Interfaces the DAC implements ----

struct IXCLRDataTask;
struct IXCLRDataValue;
struct IXCLRDataStackWalk;
struct IXCLRDataMethodInstance;

// CLRDataAddressType: what IXCLRDataProcess::GetAddressType says an address is.
inline constexpr int32_t kAddressUnrecognized = 0;
inline constexpr int32_t kAddressManagedMethod = 1;       // CLRDATA_ADDRESS_MANAGED_METHOD
inline constexpr int32_t kAddressRuntimeManagedCode = 2;  // CLRDATA_ADDRESS_RUNTIME_MANAGED_CODE

// {5c552ab6-fc09-4cb3-8e36-22fa03c798b7}
inline constexpr GUID IID_IXCLRDataProcess = {0x5C552AB6, 0xFC09, 0x4CB3,
                                              {0x8E, 0x36, 0x22, 0xFA, 0x03, 0xC7, 0x98, 0xB7}};
struct IXCLRDataProcess : IUnknown {
  virtual HRESULT Flush() = 0;                                                      // 3
  virtual HRESULT StartEnumTasks(CLRDATA_ENUM* handle) = 0;                         // 4
  virtual HRESULT EnumTask(CLRDATA_ENUM* handle, IXCLRDataTask** task) = 0;         // 5
  virtual HRESULT EndEnumTasks(CLRDATA_ENUM handle) = 0;                            // 6
  virtual HRESULT GetTaskByOSThreadID(ULONG32 os_thread_id, IXCLRDataTask** task) = 0;  // 7
  virtual HRESULT Slot_GetTaskByUniqueID() = 0;                                     // 8
  virtual HRESULT Slot_GetFlags() = 0;                                              // 9
  virtual HRESULT Slot_IsSameObject() = 0;                                          // 10
  virtual HRESULT Slot_GetManagedObject() = 0;                                      // 11
  virtual HRESULT Slot_GetDesiredExecutionState() = 0;                              // 12
  virtual HRESULT Slot_SetDesiredExecutionState() = 0;                              // 13
  virtual HRESULT GetAddressType(CLRDATA_ADDRESS address, int32_t* type) = 0;       // 14
  virtual HRESULT GetRuntimeNameByAddress(CLRDATA_ADDRESS address, ULONG32 flags,
                                          ULONG32 buf_len, ULONG32* name_len, WCHAR* name,
                                          CLRDATA_ADDRESS* displacement) = 0;       // 15
  virtual HRESULT Slot_StartEnumAppDomains() = 0;                                   // 16
  virtual HRESULT Slot_EnumAppDomain() = 0;                                         // 17
  virtual HRESULT Slot_EndEnumAppDomains() = 0;                                     // 18
  virtual HRESULT Slot_GetAppDomainByUniqueID() = 0;                                // 19
  virtual HRESULT Slot_StartEnumAssemblies() = 0;                                   // 20
  virtual HRESULT Slot_EnumAssembly() = 0;                                          // 21
  virtual HRESULT Slot_EndEnumAssemblies() = 0;                                     // 22
  virtual HRESULT Slot_StartEnumModules() = 0;                                      // 23
  virtual HRESULT Slot_EnumModule() = 0;                                            // 24
  virtual HRESULT Slot_EndEnumModules() = 0;                                        // 25
  virtual HRESULT Slot_GetModuleByAddress() = 0;                                    // 26
  virtual HRESULT StartEnumMethodInstancesByAddress(CLRDATA_ADDRESS address,
                                                    void* app_domain,
                                                    CLRDATA_ENUM* handle) = 0;      // 27
  virtual HRESULT EnumMethodInstanceByAddress(CLRDATA_ENUM* handle,
                                              IXCLRDataMethodInstance** method) = 0;  // 28
  virtual HRESULT EndEnumMethodInstancesByAddress(CLRDATA_ENUM handle) = 0;         // 29
};

// {A5B0BEEA-EC62-4618-8012-A24FFC23934C}
inline constexpr GUID IID_IXCLRDataTask = {0xA5B0BEEA, 0xEC62, 0x4618,
                                           {0x80, 0x12, 0xA2, 0x4F, 0xFC, 0x23, 0x93, 0x4C}};
struct IXCLRDataTask : IUnknown {
  virtual HRESULT Slot_GetProcess() = 0;                                            // 3
  virtual HRESULT Slot_GetCurrentAppDomain() = 0;                                   // 4
  virtual HRESULT GetUniqueID(ULONG64* id) = 0;                                     // 5
  virtual HRESULT GetFlags(ULONG32* flags) = 0;                                     // 6
  virtual HRESULT Slot_IsSameObject() = 0;                                          // 7
  virtual HRESULT GetManagedObject(IXCLRDataValue** value) = 0;                     // 8
  virtual HRESULT Slot_GetDesiredExecutionState() = 0;                              // 9
  virtual HRESULT Slot_SetDesiredExecutionState() = 0;                              // 10
  virtual HRESULT CreateStackWalk(ULONG32 flags, IXCLRDataStackWalk** walk) = 0;    // 11
  virtual HRESULT GetOSThreadID(ULONG32* id) = 0;                                   // 12
  virtual HRESULT GetContext(ULONG32 flags, ULONG32 buf_size, ULONG32* size,
                             BYTE* buffer) = 0;                                     // 13
  virtual HRESULT Slot_SetContext() = 0;                                            // 14
  virtual HRESULT Slot_GetCurrentExceptionState() = 0;                              // 15
  virtual HRESULT Slot_Request() = 0;                                               // 16
  virtual HRESULT GetName(ULONG32 buf_len, ULONG32* name_len, WCHAR* name) = 0;     // 17
  virtual HRESULT Slot_GetLastExceptionState() = 0;                                 // 18
};

// CLRDataSimpleFrameType bits, for CreateStackWalk and GetFrameType.
constexpr ULONG32 CLRDATA_SIMPFRAME_UNRECOGNIZED = 0x1;
constexpr ULONG32 CLRDATA_SIMPFRAME_MANAGED_METHOD = 0x2;
constexpr ULONG32 CLRDATA_SIMPFRAME_RUNTIME_MANAGED_CODE = 0x4;
constexpr ULONG32 CLRDATA_SIMPFRAME_RUNTIME_UNMANAGED_CODE = 0x8;
constexpr ULONG32 CLRDATA_SIMPFRAME_ALL = 0xF;
// IXCLRDataStackWalk::Request code returning the explicit Frame address (0 for a code frame).
constexpr ULONG32 DACSTACKPRIV_REQUEST_FRAME_DATA = 0xF0000000;

// {E59D8D22-ADA7-49a2-89B5-A415AFCFC95F}
inline constexpr GUID IID_IXCLRDataStackWalk = {0xE59D8D22, 0xADA7, 0x49A2,
                                                {0x89, 0xB5, 0xA4, 0x15, 0xAF, 0xCF, 0xC9, 0x5F}};
struct IXCLRDataStackWalk : IUnknown {
  virtual HRESULT GetContext(ULONG32 flags, ULONG32 buf_size, ULONG32* size,
                             BYTE* buffer) = 0;                                     // 3
  virtual HRESULT Slot_SetContext() = 0;                                            // 4
  virtual HRESULT Next() = 0;                                                       // 5
  virtual HRESULT GetStackSizeSkipped(ULONG64* skipped) = 0;                        // 6
  virtual HRESULT GetFrameType(int32_t* simple_type, int32_t* detailed_type) = 0;   // 7
  virtual HRESULT Slot_GetFrame() = 0;                                              // 8
  virtual HRESULT Request(ULONG32 code, ULONG32 in_size, BYTE* in, ULONG32 out_size,
                          BYTE* out) = 0;                                           // 9
  virtual HRESULT Slot_SetContext2() = 0;                                           // 10
};

// CLRDataValueFlag / CLRDataFieldFlag bits.
constexpr ULONG32 CLRDATA_VALUE_ALL_FIELDS = 0x00000EFF;
constexpr ULONG32 CLRDATA_BYNAME_CASE_SENSITIVE = 0;

// {96EC93C7-1000-4e93-8991-98D8766E6666}
inline constexpr GUID IID_IXCLRDataValue = {0x96EC93C7, 0x1000, 0x4E93,
                                            {0x89, 0x91, 0x98, 0xD8, 0x76, 0x6E, 0x66, 0x66}};
struct IXCLRDataValue : IUnknown {
  virtual HRESULT GetFlags(ULONG32* flags) = 0;                                     // 3
  virtual HRESULT GetAddress(CLRDATA_ADDRESS* address) = 0;                         // 4
  virtual HRESULT GetSize(ULONG64* size) = 0;                                       // 5
  virtual HRESULT GetBytes(ULONG32 buf_len, ULONG32* data_size, BYTE* buffer) = 0;  // 6
  virtual HRESULT Slot_SetBytes() = 0;                                              // 7
  virtual HRESULT Slot_GetType() = 0;                                               // 8
  virtual HRESULT Slot_GetNumFields() = 0;                                          // 9
  virtual HRESULT Slot_GetFieldByIndex() = 0;                                       // 10
  virtual HRESULT Slot_Request() = 0;                                               // 11
  virtual HRESULT Slot_GetNumFields2() = 0;                                         // 12
  virtual HRESULT Slot_StartEnumFields() = 0;                                       // 13
  virtual HRESULT Slot_EnumField() = 0;                                             // 14
  virtual HRESULT Slot_EndEnumFields() = 0;                                         // 15
  virtual HRESULT StartEnumFieldsByName(const WCHAR* name, ULONG32 name_flags,
                                        ULONG32 field_flags, void* from_type,
                                        CLRDATA_ENUM* handle) = 0;                  // 16
  virtual HRESULT EnumFieldByName(CLRDATA_ENUM* handle, IXCLRDataValue** field,
                                  mdToken* token) = 0;                              // 17
  virtual HRESULT EndEnumFieldsByName(CLRDATA_ENUM handle) = 0;                     // 18
  virtual HRESULT Slot_GetFieldByToken() = 0;                                       // 19
  virtual HRESULT GetAssociatedValue(IXCLRDataValue** value) = 0;                   // 20
  virtual HRESULT Slot_GetAssociatedType() = 0;                                     // 21
  virtual HRESULT GetString(ULONG32 buf_len, ULONG32* str_len, WCHAR* str) = 0;     // 22
};

// Special IL offsets (CLRDATA_IL_OFFSET_MARKER).
constexpr ULONG32 CLRDATA_IL_OFFSET_NO_MAPPING = 0xFFFFFFFF;  // -1
constexpr ULONG32 CLRDATA_IL_OFFSET_PROLOG = 0xFFFFFFFE;      // -2
constexpr ULONG32 CLRDATA_IL_OFFSET_EPILOG = 0xFFFFFFFD;      // -3

// {ECD73800-22CA-4b0d-AB55-E9BA7E6318A5}
inline constexpr GUID IID_IXCLRDataMethodInstance = {
    0xECD73800, 0x22CA, 0x4B0D, {0xAB, 0x55, 0xE9, 0xBA, 0x7E, 0x63, 0x18, 0xA5}};
struct IXCLRDataMethodInstance : IUnknown {
  virtual HRESULT Slot_GetTypeInstance() = 0;                                       // 3
  virtual HRESULT Slot_GetDefinition() = 0;                                         // 4
  virtual HRESULT GetTokenAndScope(mdToken* token, void** module) = 0;              // 5
  virtual HRESULT GetName(ULONG32 flags, ULONG32 buf_len, ULONG32* name_len,
                          WCHAR* name) = 0;                                         // 6
  virtual HRESULT Slot_GetFlags() = 0;                                              // 7
  virtual HRESULT Slot_IsSameObject() = 0;                                          // 8
  virtual HRESULT Slot_GetEnCVersion() = 0;                                         // 9
  virtual HRESULT Slot_GetNumTypeArguments() = 0;                                   // 10
  virtual HRESULT Slot_GetTypeArgumentByIndex() = 0;                                // 11
  virtual HRESULT GetILOffsetsByAddress(CLRDATA_ADDRESS address, ULONG32 offsets_len,
                                        ULONG32* offsets_needed, ULONG32* il_offsets) = 0;  // 12
  virtual HRESULT Slot_GetAddressRangesByILOffset() = 0;                            // 13
  virtual HRESULT Slot_GetILAddressMap() = 0;                                       // 14
  virtual HRESULT Slot_StartEnumExtents() = 0;                                      // 15
  virtual HRESULT Slot_EnumExtent() = 0;                                            // 16
  virtual HRESULT Slot_EndEnumExtents() = 0;                                        // 17
  virtual HRESULT Slot_Request() = 0;                                               // 18
  virtual HRESULT GetRepresentativeEntryAddress(CLRDATA_ADDRESS* address) = 0;      // 19
};

// Exported entry points of libmscordaccore.so.
using CLRDataCreateInstanceFn = HRESULT (*)(REFIID iid, ICLRDataTarget* target, void** iface);
using DllMainFn = BOOL (*)(void* instance, DWORD reason, void* reserved);
using PalRegisterModuleFn = void* (*)(const char* path);
constexpr DWORD DLL_PROCESS_ATTACH = 1;

}  // namespace ddcrash::dac

#endif  // DDCRASH_DAC_INTERNAL_CLRDATA_H_
