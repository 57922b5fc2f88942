// The runtime's createdump command line, as .NET 6 to 10 build it (PAL
// PROCBuildCreateDumpCommandLine), parsed exactly: ddreport receives it verbatim from the hook.
//   createdump [--name N|-f N] [--normal|--withheap|--triage|--full] [--diag] [--verbose]
//              [--crashreport] [--crashreportonly] [--singlefile] [--logtofile P]
//              <pid> [--signal S --crashthread T [--code C --errno E --address A]]
// and NativeAOT's (PalCreateDump.cpp, .NET 8 and 10): the same options, then
//              --nativeaot <pid> [--signal S --crashthread T [--code ...] [--exception-record R]]
// The pid is not necessarily last. Unknown options are warned about and skipped.
#ifndef DDCRASH_CLI_CREATEDUMP_ARGS_H_
#define DDCRASH_CLI_CREATEDUMP_ARGS_H_

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace ddcrash {

enum class DumpType { kDefault, kNormal, kWithHeap, kTriage, kFull };

struct CreatedumpArgs {
  // argv[0] of the original launch: the runtime's createdump binary.
  std::string program;
  std::string dump_name;
  DumpType dump_type = DumpType::kDefault;
  bool diag = false;
  bool verbose = false;
  bool crash_report = false;
  bool crash_report_only = false;
  bool single_file = false;
  bool native_aot = false;  // --nativeaot: the launch came from a NativeAOT app
  std::string log_file;
  pid_t pid = 0;
  std::optional<int> signal;
  std::optional<pid_t> crash_thread;
  std::optional<int> code;
  std::optional<int> error_number;
  std::optional<uint64_t> address;
  // --exception-record: the address NativeAOT passes with an unhandled exception's fail-fast.
  std::optional<uint64_t> exception_record;
  // One line per unknown option or unparsable value that was skipped.
  std::vector<std::string> warnings;
};

// `args` = the original argv: program path first. Fails only without a usable pid.
absl::StatusOr<CreatedumpArgs> ParseCreatedumpArgs(const std::vector<std::string>& args);

}  // namespace ddcrash

#endif  // DDCRASH_CLI_CREATEDUMP_ARGS_H_
