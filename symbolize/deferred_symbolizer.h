// Deferred symbolization: names, after the crash and anywhere the report is copied to, the
// native frames that had no name at crash time (stripped modules such as libcoreclr.so), from
// debug files found by the module's build id. Debug files are untrusted input: each is read
// with the bounded ELF reader and used only if it carries the module's build id.
#ifndef DDCRASH_SYMBOLIZE_DEFERRED_SYMBOLIZER_H_
#define DDCRASH_SYMBOLIZE_DEFERRED_SYMBOLIZER_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "report/report.pb.h"
#include "symbolize/debug_file_source.h"

namespace ddcrash {

// Names the unnamed native frames of `report` in place (the caller works on a copy): for each
// ELF module with a build id and such frames, the sources are tried in order until one gives
// a debug file with that build id and a symbol table. A named frame records its
// function_source; report->deferred_symbolization says per module what was found and why
// each source gave nothing. A source that fails costs that module's names, nothing more; one
// that times out or cannot be reached (DeadlineExceeded, Unavailable) is not asked for the
// later modules, whose errors say so.
void SymbolizeDeferred(const std::vector<DebugFileSource*>& sources, absl::Time now,
                       const std::string& symbolizer_version, Report* report);

}  // namespace ddcrash

#endif  // DDCRASH_SYMBOLIZE_DEFERRED_SYMBOLIZER_H_
