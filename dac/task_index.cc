#include "dac/task_index.h"

namespace ddcrash::dac {

TaskIndex::~TaskIndex() { EndEnumeration(); }

void TaskIndex::EndEnumeration() {
  if (enumerating_ != nullptr) enumerating_->EndEnumTasks(handle_);
  enumerating_ = nullptr;
}

void TaskIndex::EnumerateUntil(IXCLRDataProcess& process, uint32_t os_thread_id, int max_tasks) {
  if (!started_) {
    started_ = true;
    if (process.StartEnumTasks(&handle_) != S_OK) return;
    enumerating_ = &process;
  }
  while (enumerating_ != nullptr) {
    ComPtr<IXCLRDataTask> task;
    if (enumerated_ >= max_tasks || process.EnumTask(&handle_, task.Out()) != S_OK || !task) {
      EndEnumeration();
      return;
    }
    ++enumerated_;
    ULONG32 tid = 0;
    if (Failed(task->GetOSThreadID(&tid))) continue;
    const bool first = tasks_.try_emplace(tid, std::move(task)).second;
    if (first && tid == os_thread_id) return;
  }
}

HRESULT TaskIndex::Find(IXCLRDataProcess& process, uint32_t os_thread_id, int max_tasks,
                        IXCLRDataTask** task) {
  if (task == nullptr) return E_POINTER;
  if (enabled_) {
    auto found = tasks_.find(os_thread_id);
    if (found == tasks_.end()) {
      EnumerateUntil(process, os_thread_id, max_tasks);
      found = tasks_.find(os_thread_id);
    }
    if (found != tasks_.end()) {
      found->second->AddRef();
      *task = found->second.get();
      return S_OK;
    }
  }
  return process.GetTaskByOSThreadID(os_thread_id, task);
}

}  // namespace ddcrash::dac
