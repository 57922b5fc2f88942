#include "cli/ddreport_options.h"

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace ddcrash {

absl::StatusOr<DdreportOptions> ParseDdreportOptions(const std::vector<std::string>& args) {
  DdreportOptions options;
  if (args.empty()) return absl::InvalidArgumentError("nothing to do: give --pid PID");
  if (args[0] == "createdump") {
    options.mode = DdreportOptions::Mode::kCreatedump;
    options.createdump_args.assign(args.begin() + 1, args.end());
    return options;
  }
  bool have_pid = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      options.mode = DdreportOptions::Mode::kHelp;
      return options;
    }
    if (arg == "--version") {
      options.mode = DdreportOptions::Mode::kVersion;
      return options;
    }
    if (arg == "--pid" || arg == "-o") {
      if (i + 1 >= args.size()) return absl::InvalidArgumentError(absl::StrCat(arg, " needs a value"));
      const std::string& value = args[++i];
      if (arg == "-o") {
        if (value.empty()) return absl::InvalidArgumentError("-o needs a file name");
        options.output_path = value;
        continue;
      }
      int pid = 0;
      if (!absl::SimpleAtoi(value, &pid) || pid <= 0) {
        return absl::InvalidArgumentError(absl::StrCat("not a process id: ", value));
      }
      options.pid = pid;
      have_pid = true;
      continue;
    }
    return absl::InvalidArgumentError(absl::StrCat("unknown argument ", arg));
  }
  if (!have_pid) return absl::InvalidArgumentError("nothing to do: give --pid PID");
  options.mode = DdreportOptions::Mode::kSnapshot;
  return options;
}

}  // namespace ddcrash
