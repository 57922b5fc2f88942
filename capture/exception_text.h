// Exception.StackTrace as the runtime composes it (System.Diagnostics.StackTrace.ToString):
// one "   at Type.Method(Params)" line per recorded frame, " in File:line N" where the frame has
// a source line, "--- End of stack trace from previous location ---" after each earlier
// throw's last frame (not after an async method's), the rethrow text in front.
#ifndef DDCRASH_CAPTURE_EXCEPTION_TEXT_H_
#define DDCRASH_CAPTURE_EXCEPTION_TEXT_H_

#include <functional>
#include <optional>
#include <string>

#include "report/report.pb.h"

namespace ddcrash {

// How the runtime names a recorded frame's method: "Ns.Type.Method(Int32)" from the DAC's
// "Ns.Type.Method(System.Int32)"; generic instantiations dropped from the type, nested types
// joined by '.', an async state machine's MoveNext named after its async method.
std::string StackTraceMethodName(const Frame& frame);

// A frame's method as the runtime prints it, from its assembly's metadata.
struct RuntimeMethodName {
  std::string text;     // "Ns.Type.Method(Int32 id)"
  bool hidden = false;  // left out of the text (unless it is the last frame)
  bool async = false;   // an async method's: no "previous location" line after it
};
// nullopt when the metadata cannot say; the DAC's name (StackTraceMethodName) is used then.
using MethodNamer = std::function<std::optional<RuntimeMethodName>(const Frame&)>;

// The text for `exception`'s recorded frames, with its remote_stack_trace in front.
std::string ComposeStackTrace(const Exception& exception, const MethodNamer& namer = nullptr);

// Fills stack_trace, where it is empty, for `exception` and every exception inside it.
void ComposeStackTraces(Exception* exception, const MethodNamer& namer = nullptr);

}  // namespace ddcrash

#endif  // DDCRASH_CAPTURE_EXCEPTION_TEXT_H_
