// Reports with known contents for tests of readers, renderers and tools.
#ifndef DDCRASH_REPORT_TESTING_SAMPLE_REPORT_H_
#define DDCRASH_REPORT_TESTING_SAMPLE_REPORT_H_

#include "report/report.pb.h"

namespace ddcrash {

// A .NET crash: SIGABRT in thread 4243 ("worker") after an unhandled
// System.InvalidOperationException with an inner exception; three threads, four modules,
// native and managed frames, one incomplete reason.
Report SampleCrashReport();

}  // namespace ddcrash

#endif  // DDCRASH_REPORT_TESTING_SAMPLE_REPORT_H_
