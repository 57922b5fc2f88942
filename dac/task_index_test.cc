#include "dac/task_index.h"

#include <cstdint>
#include <vector>

#include "gtest/gtest.h"

namespace ddcrash::dac {
namespace {

// A task that knows its OS thread id and counts its references.
class FakeTask : public IXCLRDataTask {
 public:
  explicit FakeTask(uint32_t tid) : tid_(tid) {}
  HRESULT QueryInterface(REFIID, void**) override { return E_NOINTERFACE; }
  ULONG AddRef() override { return ++refs; }
  ULONG Release() override { return --refs; }
  HRESULT Slot_GetProcess() override { return E_NOTIMPL; }
  HRESULT Slot_GetCurrentAppDomain() override { return E_NOTIMPL; }
  HRESULT GetUniqueID(ULONG64*) override { return E_NOTIMPL; }
  HRESULT GetFlags(ULONG32*) override { return E_NOTIMPL; }
  HRESULT Slot_IsSameObject() override { return E_NOTIMPL; }
  HRESULT GetManagedObject(IXCLRDataValue**) override { return E_NOTIMPL; }
  HRESULT Slot_GetDesiredExecutionState() override { return E_NOTIMPL; }
  HRESULT Slot_SetDesiredExecutionState() override { return E_NOTIMPL; }
  HRESULT CreateStackWalk(ULONG32, IXCLRDataStackWalk**) override { return E_NOTIMPL; }
  HRESULT GetOSThreadID(ULONG32* id) override {
    *id = tid_;
    return S_OK;
  }
  HRESULT GetContext(ULONG32, ULONG32, ULONG32*, BYTE*) override { return E_NOTIMPL; }
  HRESULT Slot_SetContext() override { return E_NOTIMPL; }
  HRESULT Slot_GetCurrentExceptionState() override { return E_NOTIMPL; }
  HRESULT Slot_Request() override { return E_NOTIMPL; }
  HRESULT GetName(ULONG32, ULONG32*, WCHAR*) override { return E_NOTIMPL; }
  HRESULT Slot_GetLastExceptionState() override { return E_NOTIMPL; }

  int refs = 1;  // the owning test's

 private:
  uint32_t tid_;
};

// A process whose thread list is `tasks`, in order; GetTaskByOSThreadID walks it from the
// head as the DAC's does, and the enumeration stops after `enumerable` tasks.
class FakeProcess : public IXCLRDataProcess {
 public:
  HRESULT QueryInterface(REFIID, void**) override { return E_NOINTERFACE; }
  ULONG AddRef() override { return 1; }
  ULONG Release() override { return 1; }
  HRESULT Flush() override { return E_NOTIMPL; }
  HRESULT StartEnumTasks(CLRDATA_ENUM* handle) override {
    ++enumerations;
    *handle = 1;  // index + 1 of the next task
    return S_OK;
  }
  HRESULT EnumTask(CLRDATA_ENUM* handle, IXCLRDataTask** task) override {
    ++steps;
    size_t next = static_cast<size_t>(*handle - 1);
    if (next >= tasks.size() || next >= enumerable) return S_FALSE;
    tasks[next]->AddRef();
    *task = tasks[next];
    ++*handle;
    return S_OK;
  }
  HRESULT EndEnumTasks(CLRDATA_ENUM) override {
    ++ended;
    return S_OK;
  }
  HRESULT GetTaskByOSThreadID(ULONG32 tid, IXCLRDataTask** task) override {
    ++direct_lookups;
    for (FakeTask* t : tasks) {
      ULONG32 id = 0;
      t->GetOSThreadID(&id);
      if (id == tid) {
        t->AddRef();
        *task = t;
        return S_OK;
      }
    }
    return E_INVALIDARG;
  }
  HRESULT Slot_GetTaskByUniqueID() override { return E_NOTIMPL; }
  HRESULT Slot_GetFlags() override { return E_NOTIMPL; }
  HRESULT Slot_IsSameObject() override { return E_NOTIMPL; }
  HRESULT Slot_GetManagedObject() override { return E_NOTIMPL; }
  HRESULT Slot_GetDesiredExecutionState() override { return E_NOTIMPL; }
  HRESULT Slot_SetDesiredExecutionState() override { return E_NOTIMPL; }
  HRESULT GetAddressType(CLRDATA_ADDRESS, int32_t*) override { return E_NOTIMPL; }
  HRESULT GetRuntimeNameByAddress(CLRDATA_ADDRESS, ULONG32, ULONG32, ULONG32*, WCHAR*,
                                  CLRDATA_ADDRESS*) override {
    return E_NOTIMPL;
  }
  HRESULT Slot_StartEnumAppDomains() override { return E_NOTIMPL; }
  HRESULT Slot_EnumAppDomain() override { return E_NOTIMPL; }
  HRESULT Slot_EndEnumAppDomains() override { return E_NOTIMPL; }
  HRESULT Slot_GetAppDomainByUniqueID() override { return E_NOTIMPL; }
  HRESULT Slot_StartEnumAssemblies() override { return E_NOTIMPL; }
  HRESULT Slot_EnumAssembly() override { return E_NOTIMPL; }
  HRESULT Slot_EndEnumAssemblies() override { return E_NOTIMPL; }
  HRESULT Slot_StartEnumModules() override { return E_NOTIMPL; }
  HRESULT Slot_EnumModule() override { return E_NOTIMPL; }
  HRESULT Slot_EndEnumModules() override { return E_NOTIMPL; }
  HRESULT Slot_GetModuleByAddress() override { return E_NOTIMPL; }
  HRESULT StartEnumMethodInstancesByAddress(CLRDATA_ADDRESS, void*, CLRDATA_ENUM*) override {
    return E_NOTIMPL;
  }
  HRESULT EnumMethodInstanceByAddress(CLRDATA_ENUM*, IXCLRDataMethodInstance**) override {
    return E_NOTIMPL;
  }
  HRESULT EndEnumMethodInstancesByAddress(CLRDATA_ENUM) override { return E_NOTIMPL; }

  std::vector<FakeTask*> tasks;
  size_t enumerable = SIZE_MAX;
  int enumerations = 0;
  int steps = 0;  // EnumTask calls
  int ended = 0;
  int direct_lookups = 0;
};

IXCLRDataTask* Find(TaskIndex& index, FakeProcess& process, uint32_t tid, HRESULT* hr) {
  IXCLRDataTask* task = nullptr;
  *hr = index.Find(process, tid, 100, &task);
  return task;
}

TEST(TaskIndexTest, EnumeratesOnceAndAnswersLikeTheDirectLookup) {
  FakeTask a(101), b(102), c(103);
  FakeProcess process;
  process.tasks = {&a, &b, &c};
  {
    TaskIndex index;
    HRESULT hr = E_FAIL;
    EXPECT_EQ(Find(index, process, 103, &hr), &c);
    EXPECT_EQ(hr, S_OK);
    EXPECT_EQ(Find(index, process, 101, &hr), &a);
    EXPECT_EQ(Find(index, process, 102, &hr), &b);
    EXPECT_EQ(process.enumerations, 1);
    EXPECT_EQ(process.steps, 3);
    EXPECT_EQ(process.direct_lookups, 0);
    EXPECT_EQ(index.indexed(), 3u);
    // Each answer is a reference of the caller's own (held by the index too).
    EXPECT_EQ(c.refs, 3);
    // The list's end is not reached yet: the enumeration is ended with the index.
    EXPECT_EQ(process.ended, 0);
  }
  EXPECT_EQ(process.ended, 1);
  c.Release();
  a.Release();
  b.Release();
}

TEST(TaskIndexTest, LookupsInListOrderTakeOneStepEach) {
  // DacSession walks each thread as it lists it: the enumeration keeps pace, one step per
  // lookup, so no thread's runtime object is read long before its walk.
  FakeTask a(101), b(102), c(103);
  FakeProcess process;
  process.tasks = {&a, &b, &c};
  TaskIndex index;
  HRESULT hr = E_FAIL;
  EXPECT_EQ(Find(index, process, 101, &hr), &a);
  EXPECT_EQ(process.steps, 1);
  EXPECT_EQ(Find(index, process, 102, &hr), &b);
  EXPECT_EQ(process.steps, 2);
  EXPECT_EQ(Find(index, process, 103, &hr), &c);
  EXPECT_EQ(process.steps, 3);
  EXPECT_EQ(process.enumerations, 1);
  // A thread not on the list runs the enumeration to its end, once, then asks directly.
  EXPECT_EQ(Find(index, process, 999, &hr), nullptr);
  EXPECT_EQ(process.steps, 4);
  EXPECT_EQ(process.ended, 1);
  EXPECT_EQ(process.direct_lookups, 1);
  EXPECT_EQ(Find(index, process, 998, &hr), nullptr);
  EXPECT_EQ(process.steps, 4);
  EXPECT_EQ(process.enumerations, 1);
  EXPECT_EQ(process.ended, 1);
  a.Release();
  b.Release();
  c.Release();
}

TEST(TaskIndexTest, UnknownThreadGetsTheDirectLookupsAnswer) {
  FakeTask a(101);
  FakeProcess process;
  process.tasks = {&a};
  TaskIndex index;
  HRESULT hr = S_OK;
  EXPECT_EQ(Find(index, process, 999, &hr), nullptr);
  EXPECT_EQ(hr, E_INVALIDARG);
  EXPECT_EQ(process.direct_lookups, 1);
}

TEST(TaskIndexTest, ThreadsTheEnumerationMissedAreStillFound) {
  FakeTask a(101), b(102);
  FakeProcess process;
  process.tasks = {&a, &b};
  process.enumerable = 1;  // the enumeration fails after the first task
  TaskIndex index;
  HRESULT hr = E_FAIL;
  EXPECT_EQ(Find(index, process, 102, &hr), &b);
  EXPECT_EQ(hr, S_OK);
  EXPECT_EQ(process.direct_lookups, 1);
  EXPECT_EQ(index.indexed(), 1u);
  b.Release();
}

TEST(TaskIndexTest, FirstTaskOfARepeatedThreadIdWins) {
  // GetTaskByOSThreadID answers with the first match in the list.
  FakeTask dead(101), live(101);
  FakeProcess process;
  process.tasks = {&dead, &live};
  TaskIndex index;
  HRESULT hr = E_FAIL;
  EXPECT_EQ(Find(index, process, 101, &hr), &dead);
  dead.Release();
}

TEST(TaskIndexTest, DisabledAsksTheProcessEveryTime) {
  FakeTask a(101);
  FakeProcess process;
  process.tasks = {&a};
  TaskIndex index(false);
  HRESULT hr = E_FAIL;
  EXPECT_EQ(Find(index, process, 101, &hr), &a);
  EXPECT_EQ(Find(index, process, 101, &hr), &a);
  EXPECT_EQ(process.enumerations, 0);
  EXPECT_EQ(process.direct_lookups, 2);
  a.Release();
  a.Release();
}

}  // namespace
}  // namespace ddcrash::dac
