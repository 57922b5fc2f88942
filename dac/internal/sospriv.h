// The DAC's SOS interfaces (ISOSDacInterface, ISOSDacInterface2) and the Dacp* structs they
// fill, declared from shared/research/dac-hosting.md §3 (vtable slot = method index + 3;
// struct offsets for Linux x64, checked by static_assert). Placeholder slots (`Slot_*`) keep
// later slots at their index and must never be called.
#ifndef DDCRASH_DAC_INTERNAL_SOSPRIV_H_
#define DDCRASH_DAC_INTERNAL_SOSPRIV_H_

#include <cstddef>

#include "dac/internal/com.h"

namespace ddcrash::dac {

struct DacpThreadStoreData {
  int32_t threadCount;
  int32_t unstartedThreadCount;
  int32_t backgroundThreadCount;
  int32_t pendingThreadCount;
  int32_t deadThreadCount;
  CLRDATA_ADDRESS firstThread;
  CLRDATA_ADDRESS finalizerThread;
  CLRDATA_ADDRESS gcThread;
  DWORD fHostConfig;
};
static_assert(sizeof(DacpThreadStoreData) == 0x38);
static_assert(offsetof(DacpThreadStoreData, firstThread) == 0x18);
static_assert(offsetof(DacpThreadStoreData, finalizerThread) == 0x20);

struct DacpThreadData {
  DWORD corThreadId;
  DWORD osThreadId;
  int32_t state;
  ULONG preemptiveGCDisabled;
  CLRDATA_ADDRESS allocContextPtr;
  CLRDATA_ADDRESS allocContextLimit;
  CLRDATA_ADDRESS context;
  CLRDATA_ADDRESS domain;
  CLRDATA_ADDRESS pFrame;
  DWORD lockCount;
  CLRDATA_ADDRESS firstNestedException;
  CLRDATA_ADDRESS teb;
  CLRDATA_ADDRESS fiberData;
  CLRDATA_ADDRESS lastThrownObjectHandle;
  CLRDATA_ADDRESS nextThread;
};
static_assert(sizeof(DacpThreadData) == 0x68);
static_assert(offsetof(DacpThreadData, pFrame) == 0x30);
static_assert(offsetof(DacpThreadData, firstNestedException) == 0x40);
static_assert(offsetof(DacpThreadData, lastThrownObjectHandle) == 0x58);
static_assert(offsetof(DacpThreadData, nextThread) == 0x60);

// Thread::ThreadState bits we interpret.
constexpr int32_t kThreadStateBackground = 0x00000200;
constexpr int32_t kThreadStateUnstarted = 0x00000400;
constexpr int32_t kThreadStateDead = 0x00000800;
constexpr int32_t kThreadStateThreadPoolWorker = 0x01000000;

enum JITTypes : int32_t { TYPE_UNKNOWN = 0, TYPE_JIT = 1, TYPE_PJIT = 2 };

struct DacpCodeHeaderData {
  CLRDATA_ADDRESS GCInfo;
  int32_t JITType;
  CLRDATA_ADDRESS MethodDescPtr;
  CLRDATA_ADDRESS MethodStart;
  DWORD MethodSize;
  CLRDATA_ADDRESS ColdRegionStart;
  DWORD ColdRegionSize;
  DWORD HotRegionSize;
};
static_assert(sizeof(DacpCodeHeaderData) == 0x38);
static_assert(offsetof(DacpCodeHeaderData, MethodStart) == 0x18);

struct DacpReJitData {
  CLRDATA_ADDRESS rejitID;
  int32_t flags;
  CLRDATA_ADDRESS NativeCodeAddr;
};
static_assert(sizeof(DacpReJitData) == 0x18);

struct DacpMethodDescData {
  BOOL bHasNativeCode;
  BOOL bIsDynamic;
  uint16_t wSlotNumber;
  CLRDATA_ADDRESS NativeCodeAddr;
  CLRDATA_ADDRESS AddressOfNativeCodeSlot;
  CLRDATA_ADDRESS MethodDescPtr;
  CLRDATA_ADDRESS MethodTablePtr;
  CLRDATA_ADDRESS ModulePtr;
  mdToken MDToken;
  CLRDATA_ADDRESS GCInfo;
  CLRDATA_ADDRESS GCStressCodeCopy;
  CLRDATA_ADDRESS managedDynamicMethodObject;
  CLRDATA_ADDRESS requestedIP;
  DacpReJitData rejitDataCurrent;
  DacpReJitData rejitDataRequested;
  ULONG cJittedRejitVersions;
};
static_assert(sizeof(DacpMethodDescData) == 0x98);
static_assert(offsetof(DacpMethodDescData, ModulePtr) == 0x30);
static_assert(offsetof(DacpMethodDescData, MDToken) == 0x38);
static_assert(offsetof(DacpMethodDescData, rejitDataCurrent) == 0x60);

struct DacpModuleData {
  CLRDATA_ADDRESS Address;
  CLRDATA_ADDRESS PEAssembly;  // the module address itself in .NET 9+; pass it on unchanged
  CLRDATA_ADDRESS ilBase;
  CLRDATA_ADDRESS metadataStart;
  ULONG64 metadataSize;
  CLRDATA_ADDRESS Assembly;
  BOOL bIsReflection;
  BOOL bIsPEFile;
  ULONG64 dwBaseClassIndex;
  ULONG64 dwModuleID;
  DWORD dwTransientFlags;
  CLRDATA_ADDRESS TypeDefToMethodTableMap;
  CLRDATA_ADDRESS TypeRefToMethodTableMap;
  CLRDATA_ADDRESS MethodDefToDescMap;
  CLRDATA_ADDRESS FieldDefToDescMap;
  CLRDATA_ADDRESS MemberRefToDescMap;
  CLRDATA_ADDRESS FileReferencesMap;
  CLRDATA_ADDRESS ManifestModuleReferencesMap;
  CLRDATA_ADDRESS LoaderAllocator;
  CLRDATA_ADDRESS ThunkHeap;
  ULONG64 dwModuleIndex;
};
static_assert(sizeof(DacpModuleData) == 0xA0);
static_assert(offsetof(DacpModuleData, bIsReflection) == 0x30);
static_assert(offsetof(DacpModuleData, dwTransientFlags) == 0x48);

struct DacpObjectData {
  CLRDATA_ADDRESS MethodTable;
  int32_t ObjectType;
  ULONG64 Size;
  CLRDATA_ADDRESS ElementTypeHandle;
  int32_t ElementType;
  DWORD dwRank;
  ULONG64 dwNumComponents;
  ULONG64 dwComponentSize;
  CLRDATA_ADDRESS ArrayDataPtr;
  CLRDATA_ADDRESS ArrayBoundsPtr;
  CLRDATA_ADDRESS ArrayLowerBoundsPtr;
  CLRDATA_ADDRESS RCW;
  CLRDATA_ADDRESS CCW;
};
static_assert(sizeof(DacpObjectData) == 0x60);

struct DacpExceptionObjectData {
  CLRDATA_ADDRESS Message;
  CLRDATA_ADDRESS InnerException;
  CLRDATA_ADDRESS StackTrace;
  CLRDATA_ADDRESS WatsonBuckets;
  CLRDATA_ADDRESS StackTraceString;
  CLRDATA_ADDRESS RemoteStackTraceString;
  int32_t HResult;
  int32_t XCode;
};
static_assert(sizeof(DacpExceptionObjectData) == 0x38);
static_assert(offsetof(DacpExceptionObjectData, HResult) == 0x30);

// CorElementType values of reference-typed fields.
constexpr int32_t kElementTypeString = 0x0E;
constexpr int32_t kElementTypeClass = 0x12;
constexpr int32_t kElementTypeArray = 0x14;
constexpr int32_t kElementTypeGenericInst = 0x15;
constexpr int32_t kElementTypeObject = 0x1C;
constexpr int32_t kElementTypeSzArray = 0x1D;

// DacpObjectData::ObjectType (DacpObjectType: OBJ_STRING, OBJ_FREE, OBJ_OBJECT, OBJ_ARRAY, ...).
constexpr int32_t kObjectTypeArray = 3;

struct DacpMethodTableFieldData {
  uint16_t wNumInstanceFields;
  uint16_t wNumStaticFields;
  uint16_t wNumThreadStaticFields;
  CLRDATA_ADDRESS FirstField;  // the class's own fields (not its parents'), linked by NextField
  uint16_t wContextStaticOffset;
  uint16_t wContextStaticsSize;
};
static_assert(sizeof(DacpMethodTableFieldData) == 0x18);
static_assert(offsetof(DacpMethodTableFieldData, FirstField) == 0x08);

struct DacpFieldDescData {
  int32_t Type;     // CorElementType
  int32_t sigType;  // CorElementType
  CLRDATA_ADDRESS MTOfType;
  CLRDATA_ADDRESS ModuleOfType;
  DWORD TokenOfType;
  DWORD mb;
  CLRDATA_ADDRESS MTOfEnclosingClass;
  DWORD dwOffset;  // from the end of the object's method table pointer
  BOOL bIsThreadLocal;
  BOOL bIsContextLocal;
  BOOL bIsStatic;
  CLRDATA_ADDRESS NextField;
};
static_assert(sizeof(DacpFieldDescData) == 0x40);
static_assert(offsetof(DacpFieldDescData, dwOffset) == 0x28);
static_assert(offsetof(DacpFieldDescData, NextField) == 0x38);

// {436f00f2-b42a-4b9f-870c-e73db66ae930}
inline constexpr GUID IID_ISOSDacInterface = {0x436F00F2, 0xB42A, 0x4B9F,
                                              {0x87, 0x0C, 0xE7, 0x3D, 0xB6, 0x6A, 0xE9, 0x30}};
struct ISOSDacInterface : IUnknown {
  virtual HRESULT GetThreadStoreData(DacpThreadStoreData* data) = 0;                // 3
  virtual HRESULT Slot_GetAppDomainStoreData() = 0;                                 // 4
  virtual HRESULT Slot_GetAppDomainList() = 0;                                      // 5
  virtual HRESULT Slot_GetAppDomainData() = 0;                                      // 6
  virtual HRESULT Slot_GetAppDomainName() = 0;                                      // 7
  virtual HRESULT Slot_GetDomainFromContext() = 0;                                  // 8
  virtual HRESULT Slot_GetAssemblyList() = 0;                                       // 9
  virtual HRESULT Slot_GetAssemblyData() = 0;                                       // 10
  virtual HRESULT Slot_GetAssemblyName() = 0;                                       // 11
  virtual HRESULT Slot_GetModule() = 0;                                             // 12
  virtual HRESULT GetModuleData(CLRDATA_ADDRESS module, DacpModuleData* data) = 0;  // 13
  virtual HRESULT Slot_TraverseModuleMap() = 0;                                     // 14
  virtual HRESULT Slot_GetAssemblyModuleList() = 0;                                 // 15
  virtual HRESULT Slot_GetILForModule() = 0;                                        // 16
  virtual HRESULT GetThreadData(CLRDATA_ADDRESS thread, DacpThreadData* data) = 0;  // 17
  virtual HRESULT Slot_GetThreadFromThinlockID() = 0;                               // 18
  virtual HRESULT GetStackLimits(CLRDATA_ADDRESS thread, CLRDATA_ADDRESS* lower,
                                 CLRDATA_ADDRESS* upper, CLRDATA_ADDRESS* fp) = 0;  // 19
  virtual HRESULT GetMethodDescData(CLRDATA_ADDRESS method_desc, CLRDATA_ADDRESS ip,
                                    DacpMethodDescData* data, ULONG rejit_count,
                                    DacpReJitData* rejit_data, ULONG* rejit_needed) = 0;  // 20
  virtual HRESULT GetMethodDescPtrFromIP(CLRDATA_ADDRESS ip, CLRDATA_ADDRESS* md) = 0;  // 21
  virtual HRESULT GetMethodDescName(CLRDATA_ADDRESS md, ULONG count, WCHAR* name,
                                    ULONG* needed) = 0;                             // 22
  virtual HRESULT GetMethodDescPtrFromFrame(CLRDATA_ADDRESS frame, CLRDATA_ADDRESS* md) = 0;  // 23
  virtual HRESULT Slot_GetMethodDescFromToken() = 0;                                // 24
  virtual HRESULT Slot_GetMethodDescTransparencyData() = 0;                         // 25
  virtual HRESULT GetCodeHeaderData(CLRDATA_ADDRESS ip, DacpCodeHeaderData* data) = 0;  // 26
  virtual HRESULT Slot_GetJitManagerList() = 0;                                     // 27
  virtual HRESULT GetJitHelperFunctionName(CLRDATA_ADDRESS ip, ULONG count, char* name,
                                           ULONG* needed) = 0;                      // 28
  virtual HRESULT Slot_GetJumpThunkTarget() = 0;                                    // 29
  virtual HRESULT Slot_GetThreadpoolData() = 0;                                     // 30
  virtual HRESULT Slot_GetWorkRequestData() = 0;                                    // 31
  virtual HRESULT Slot_GetHillClimbingLogEntry() = 0;                               // 32
  virtual HRESULT GetObjectData(CLRDATA_ADDRESS object, DacpObjectData* data) = 0;  // 33
  virtual HRESULT GetObjectStringData(CLRDATA_ADDRESS object, ULONG count, WCHAR* text,
                                      ULONG* needed) = 0;                           // 34
  virtual HRESULT GetObjectClassName(CLRDATA_ADDRESS object, ULONG count, WCHAR* name,
                                     ULONG* needed) = 0;                            // 35
  virtual HRESULT GetMethodTableName(CLRDATA_ADDRESS mt, ULONG count, WCHAR* name,
                                     ULONG* needed) = 0;                            // 36
  virtual HRESULT Slot_GetMethodTableData() = 0;                                    // 37
  virtual HRESULT Slot_GetMethodTableSlot() = 0;                                    // 38
  virtual HRESULT GetMethodTableFieldData(CLRDATA_ADDRESS mt,
                                          DacpMethodTableFieldData* data) = 0;      // 39
  virtual HRESULT Slot_GetMethodTableTransparencyData() = 0;                        // 40
  virtual HRESULT Slot_GetMethodTableForEEClass() = 0;                              // 41
  virtual HRESULT GetFieldDescData(CLRDATA_ADDRESS field, DacpFieldDescData* data) = 0;  // 42
  virtual HRESULT GetFrameName(CLRDATA_ADDRESS vtable, ULONG count, WCHAR* name,
                               ULONG* needed) = 0;                                  // 43
  virtual HRESULT GetPEFileBase(CLRDATA_ADDRESS pe_file, CLRDATA_ADDRESS* base) = 0;  // 44
  virtual HRESULT GetPEFileName(CLRDATA_ADDRESS pe_file, ULONG count, WCHAR* name,
                                ULONG* needed) = 0;                                 // 45
  // Slots 46..64: GC heap, domain-local, sync block, handle and EH queries (unused).
  virtual HRESULT Slot_46() = 0;
  virtual HRESULT Slot_47() = 0;
  virtual HRESULT Slot_48() = 0;
  virtual HRESULT Slot_49() = 0;
  virtual HRESULT Slot_50() = 0;
  virtual HRESULT Slot_51() = 0;
  virtual HRESULT Slot_52() = 0;
  virtual HRESULT Slot_53() = 0;
  virtual HRESULT Slot_54() = 0;
  virtual HRESULT Slot_55() = 0;
  virtual HRESULT Slot_56() = 0;
  virtual HRESULT Slot_57() = 0;
  virtual HRESULT Slot_58() = 0;
  virtual HRESULT Slot_59() = 0;
  virtual HRESULT Slot_60() = 0;
  virtual HRESULT Slot_61() = 0;
  virtual HRESULT Slot_62() = 0;
  virtual HRESULT Slot_63() = 0;
  virtual HRESULT Slot_64() = 0;
  virtual HRESULT GetNestedExceptionData(CLRDATA_ADDRESS exception_info,
                                         CLRDATA_ADDRESS* exception_object,
                                         CLRDATA_ADDRESS* next_nested) = 0;         // 65
};

// {A16026EC-96F4-40BA-87FB-5575986FB7AF}
inline constexpr GUID IID_ISOSDacInterface2 = {0xA16026EC, 0x96F4, 0x40BA,
                                               {0x87, 0xFB, 0x55, 0x75, 0x98, 0x6F, 0xB7, 0xAF}};
struct ISOSDacInterface2 : IUnknown {
  virtual HRESULT GetObjectExceptionData(CLRDATA_ADDRESS object,
                                         DacpExceptionObjectData* data) = 0;        // 3
};

}  // namespace ddcrash::dac

#endif  // DDCRASH_DAC_INTERNAL_SOSPRIV_H_
