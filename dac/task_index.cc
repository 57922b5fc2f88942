#include "dac/task_index.h"

namespace ddcrash::dac {

void TaskIndex::Build(IXCLRDataProcess& process, int max_tasks) {
  built_ = true;
  CLRDATA_ENUM handle = 0;
  if (process.StartEnumTasks(&handle) != S_OK) return;
  for (int i = 0; i < max_tasks; ++i) {
    ComPtr<IXCLRDataTask> task;
    if (process.EnumTask(&handle, task.Out()) != S_OK || !task) break;
    ULONG32 tid = 0;
    if (Failed(task->GetOSThreadID(&tid))) continue;
    tasks_.try_emplace(tid, std::move(task));
  }
  process.EndEnumTasks(handle);
}

HRESULT TaskIndex::Find(IXCLRDataProcess& process, uint32_t os_thread_id, int max_tasks,
                        IXCLRDataTask** task) {
  if (task == nullptr) return E_POINTER;
  if (enabled_) {
    if (!built_) Build(process, max_tasks);
    auto found = tasks_.find(os_thread_id);
    if (found != tasks_.end()) {
      found->second->AddRef();
      *task = found->second.get();
      return S_OK;
    }
  }
  return process.GetTaskByOSThreadID(os_thread_id, task);
}

}  // namespace ddcrash::dac
