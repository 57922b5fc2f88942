#include "report/crashing_thread.h"

namespace ddcrash {

const Thread* CrashingThread(const Report& report) {
  if (report.crashing_tid() != 0) {
    for (const Thread& thread : report.threads()) {
      if (thread.tid() == report.crashing_tid()) return &thread;
    }
  }
  for (const Thread& thread : report.threads()) {
    if (thread.crashed()) return &thread;
  }
  return report.threads_size() > 0 ? &report.threads(0) : nullptr;
}

}  // namespace ddcrash
