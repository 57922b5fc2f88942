// The DAC's tasks (managed threads) by OS thread id, from one pass over the runtime's thread
// list. IXCLRDataProcess::GetTaskByOSThreadID walks that list from its head on every call, so
// asking it for each of N threads costs N²/2 steps: at 1,000 threads a quarter of the DAC
// stage.
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

  void set_enabled(bool enabled) { enabled_ = enabled; }

  // What process.GetTaskByOSThreadID(os_thread_id, task) would answer. The first call
  // enumerates every task once; a thread the enumeration did not list (it failed part-way,
  // or hit `max_tasks`) is still asked for directly, so no thread is lost.
  HRESULT Find(IXCLRDataProcess& process, uint32_t os_thread_id, int max_tasks,
               IXCLRDataTask** task);

  size_t indexed() const { return tasks_.size(); }

 private:
  void Build(IXCLRDataProcess& process, int max_tasks);

  bool enabled_;
  bool built_ = false;
  // The first task listed for each OS thread id, as GetTaskByOSThreadID takes the first match.
  absl::flat_hash_map<uint32_t, ComPtr<IXCLRDataTask>> tasks_;
};

}  // namespace ddcrash::dac

#endif  // DDCRASH_DAC_TASK_INDEX_H_
