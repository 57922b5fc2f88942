// Human-readable views of a report, as ddquery prints them: stacks in the style of gdb's `bt`
// mixed with `dotnet-dump clrstack` (native and managed frames in one list).
#ifndef DDCRASH_REPORT_TEXT_RENDERER_H_
#define DDCRASH_REPORT_TEXT_RENDERER_H_

#include <string>

#include "absl/strings/string_view.h"

#include "report/report.pb.h"

namespace ddcrash {

struct RenderOptions {
  // Every frame on its own line. Otherwise each run of two or more unnamed native frames in
  // one of the runtime's own libraries (libcoreclr.so and the libraries beside it) is one
  // line saying how many frames in which module: the frames a user cannot act on.
  bool all_frames = false;
};

// What crashed, the exception chain, the crashing thread's stack (the first thread for a
// snapshot), counts of threads and modules, and whether the report is incomplete.
std::string RenderSummary(const Report& report, const RenderOptions& options = {});

// One thread's header line and its frames.
std::string RenderThread(const Report& report, const Thread& thread,
                         const RenderOptions& options = {});

// One line per thread with its top frame.
std::string RenderThreadList(const Report& report);

// One line per module: base, size, format, build id, path.
std::string RenderModules(const Report& report);

// `text` safe to print on a terminal: control characters (C0, DEL, C1 such as the escape
// that starts terminal sequences) and invalid UTF-8 become visible escapes (\n, \x1b,
// \u009b); printable text, UTF-8 included, is kept. Every view above prints report text
// through it.
std::string Printable(absl::string_view text);

// "module!function+0x1f" (or the best substitute) for one frame; a managed frame with a
// source line as the runtime prints it, "Ns.Type.Method(Args) in File.cs:line N", then its
// module and IL offset. `report` holds the frame (its modules name the frame's).
std::string FrameLabel(const Report& report, const Frame& frame);

}  // namespace ddcrash

#endif  // DDCRASH_REPORT_TEXT_RENDERER_H_
