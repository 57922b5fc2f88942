// Where an exception was thrown, from the frames the exception itself recorded: the innermost
// frame of the application's own code. A rethrow (ExceptionDispatchInfo.Throw, an await, a
// thread's execution context) puts the dispatcher on the crashing thread's stack; the throw
// site lives only in the exception.
#ifndef DDCRASH_REPORT_THROW_SITE_H_
#define DDCRASH_REPORT_THROW_SITE_H_

#include "absl/strings/string_view.h"
#include "report/report.pb.h"

namespace ddcrash {

// True for the assemblies of .NET itself (System.*, Microsoft.*, mscorlib, netstandard), by
// file name: the frames the throw site looks past.
bool IsFrameworkAssembly(absl::string_view module_path);

// The first recorded frame outside the framework's assemblies, else the first recorded frame;
// nullptr when the exception recorded none.
const Frame* ThrowSite(const Exception& exception);

}  // namespace ddcrash

#endif  // DDCRASH_REPORT_THROW_SITE_H_
