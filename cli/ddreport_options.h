// ddreport's command line: `ddreport --pid PID [-o FILE]` snapshots a live process;
// `ddreport createdump ARGS...` is how the hook launches it in place of the runtime's createdump.
#ifndef DDCRASH_CLI_DDREPORT_OPTIONS_H_
#define DDCRASH_CLI_DDREPORT_OPTIONS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace ddcrash {

inline constexpr char kDdreportUsageText[] =
    R"(usage: ddreport --pid PID [-o FILE]
       ddreport createdump [CREATEDUMP ARGUMENTS...]   (launched by libddhook.so)
       ddreport --help | --version

--pid PID     Freeze every thread of the live process PID, capture registers, stacks
              (native and managed), modules and runtime state, write one report, and let the
              process run on. The report goes to FILE (-o), else to
              $DDCRASH_REPORT_DIR/ddcrash.<exe>.<pid>.<unix-time>.pb.
-o FILE       Where to write the report.

Environment: DDCRASH_TIMEOUT_MS (whole-run budget), DDCRASH_REPORT_DIR, DDCRASH_SCRUB,
             DDCRASH_DAC_TIMEOUT_MS, DDCRASH_DAC_PATH (see README).
Exit codes: 0 complete report, 1 partial report written, 2 usage error,
            3 no such process, 4 ptrace not permitted, 5 report not written.
)";

struct DdreportOptions {
  enum class Mode { kHelp, kVersion, kSnapshot, kCreatedump };
  Mode mode = Mode::kHelp;
  pid_t pid = 0;
  std::string output_path;
  // For kCreatedump: the runtime's createdump arguments, unparsed.
  std::vector<std::string> createdump_args;
};

// `args` excludes argv[0]. InvalidArgument with a one-line explanation on bad usage.
absl::StatusOr<DdreportOptions> ParseDdreportOptions(const std::vector<std::string>& args);

}  // namespace ddcrash

#endif  // DDCRASH_CLI_DDREPORT_OPTIONS_H_
