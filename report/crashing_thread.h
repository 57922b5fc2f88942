// Which thread of a report is "the crashing thread": the one rule the text rendering, the
// fingerprint, the crash line and the OTLP record all use.
#ifndef DDCRASH_REPORT_CRASHING_THREAD_H_
#define DDCRASH_REPORT_CRASHING_THREAD_H_

#include "report/report.pb.h"

namespace ddcrash {

// The thread whose tid is Report.crashing_tid, else the first thread marked crashed, else the
// first thread (a --pid snapshot); null for a report without threads.
const Thread* CrashingThread(const Report& report);

}  // namespace ddcrash

#endif  // DDCRASH_REPORT_CRASHING_THREAD_H_
