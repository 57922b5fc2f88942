// The DAC's tasks (managed threads) by OS thread id, from one pass over the runtime's thread
// list. IXCLRDataProcess::GetTaskByOSThreadID walks that list from its head on every call, so
// asking it for each of N threads costs N²/2 steps: at 1,000 threads a quarter of the DAC
// stage. The pass goes only as far as each lookup needs: threads asked for in the list's own
// order (DacSession walks each as it lists it) are each found by the next step, which reads
// the thread's runtime object just before its walk reads it again.
#ifndef DDCRASH_DAC_TASK_INDEX_H_
#define DDCRASH_DAC_TASK_INDEX_H_

#include <cstdint>

#include "absl/container/flat_hash_map.h"
#include "dac/internal/clrdata.h"
#include "dac/internal/com_ptr.h"

namespace ddcrash::dac {

class TaskIndex {
 public:
  // With `enabled` false, Find asks GetTaskByOSThreadID every time (the same answers).
  explicit TaskIndex(bool enabled = true) : enabled_(enabled) {}
  // Ends an enumeration still under way (with the process it was started on, which must
  // still be alive).
  ~TaskIndex();
  TaskIndex(const TaskIndex&) = delete;
  TaskIndex& operator=(const TaskIndex&) = delete;

  void set_enabled(bool enabled) { enabled_ = enabled; }

  // What process.GetTaskByOSThreadID(os_thread_id, task) would answer. Every call goes on
  // enumerating the tasks (one enumeration in all, always on the same `process`) until that
  // thread's is listed; a thread the enumeration did not list (it ended, failed part-way, or
  // hit `max_tasks`) is asked for directly, so no thread is lost.
  HRESULT Find(IXCLRDataProcess& process, uint32_t os_thread_id, int max_tasks,
               IXCLRDataTask** task);

  size_t indexed() const { return tasks_.size(); }

 private:
  // Enumerates on until the first task of `os_thread_id` is listed or the list ends.
  void EnumerateUntil(IXCLRDataProcess& process, uint32_t os_thread_id, int max_tasks);
  void EndEnumeration();

  bool enabled_;
  bool started_ = false;
  // The process being enumerated, while the enumeration is under way.
  IXCLRDataProcess* enumerating_ = nullptr;
  CLRDATA_ENUM handle_ = 0;
  int enumerated_ = 0;
  // The first task listed for each OS thread id, as GetTaskByOSThreadID takes the first match.
  absl::flat_hash_map<uint32_t, ComPtr<IXCLRDataTask>> tasks_;
};

}  // namespace ddcrash::dac

#endif  // DDCRASH_DAC_TASK_INDEX_H_
