#include "cli/createdump_args.h"

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace ddcrash {
namespace {

// Decimal, or hexadecimal with 0x (the runtime prints addresses in decimal today).
bool ParseUnsigned(const std::string& text, uint64_t* value) {
  if (absl::StartsWithIgnoreCase(text, "0x")) return absl::SimpleHexAtoi(text.substr(2), value);
  return absl::SimpleAtoi(text, value);
}

}  // namespace

absl::StatusOr<CreatedumpArgs> ParseCreatedumpArgs(const std::vector<std::string>& args) {
  CreatedumpArgs parsed;
  if (args.empty()) return absl::InvalidArgumentError("empty createdump command line");
  parsed.program = args[0];
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= args.size()) {
        parsed.warnings.push_back(absl::StrCat(arg, " has no value"));
        return false;
      }
      *out = args[++i];
      return true;
    };
    auto int_value = [&](auto* out) {
      std::string text;
      if (!value(&text)) return;
      int64_t number = 0;
      if (!absl::SimpleAtoi(text, &number)) {
        parsed.warnings.push_back(absl::StrCat(arg, " ", text, ": not a number"));
        return;
      }
      *out = static_cast<std::remove_reference_t<decltype(**out)>>(number);
    };
    if (arg == "--name" || arg == "-f") {
      value(&parsed.dump_name);
    } else if (arg == "--normal" || arg == "-n") {
      parsed.dump_type = DumpType::kNormal;
    } else if (arg == "--withheap" || arg == "-h") {
      parsed.dump_type = DumpType::kWithHeap;
    } else if (arg == "--triage" || arg == "-t") {
      parsed.dump_type = DumpType::kTriage;
    } else if (arg == "--full" || arg == "-u") {
      parsed.dump_type = DumpType::kFull;
    } else if (arg == "--diag" || arg == "-d") {
      parsed.diag = true;
    } else if (arg == "--verbose" || arg == "-v") {
      parsed.verbose = true;
    } else if (arg == "--crashreport") {
      parsed.crash_report = true;
    } else if (arg == "--crashreportonly") {
      parsed.crash_report_only = true;
    } else if (arg == "--singlefile") {
      parsed.single_file = true;
    } else if (arg == "--nativeaot") {
      parsed.native_aot = true;  // the pid follows as the positional argument
    } else if (arg == "--logtofile" || arg == "-l") {
      value(&parsed.log_file);
    } else if (arg == "--signal") {
      int_value(&parsed.signal);
    } else if (arg == "--crashthread") {
      int_value(&parsed.crash_thread);
    } else if (arg == "--code") {
      int_value(&parsed.code);
    } else if (arg == "--errno") {
      int_value(&parsed.error_number);
    } else if (arg == "--address" || arg == "--exception-record") {
      std::string text;
      uint64_t address = 0;
      if (value(&text)) {
        if (ParseUnsigned(text, &address)) {
          (arg == "--address" ? parsed.address : parsed.exception_record) = address;
        } else {
          parsed.warnings.push_back(absl::StrCat(arg, " ", text, ": not a number"));
        }
      }
    } else if (!arg.empty() && arg[0] == '-') {
      parsed.warnings.push_back(absl::StrCat("unknown createdump option ", arg, " skipped"));
    } else {
      int pid = 0;
      if (parsed.pid == 0 && absl::SimpleAtoi(arg, &pid) && pid > 0) {
        parsed.pid = pid;
      } else {
        parsed.warnings.push_back(absl::StrCat("unexpected createdump argument ", arg, " skipped"));
      }
    }
  }
  if (parsed.pid == 0) {
    return absl::InvalidArgumentError("the createdump command line names no process id");
  }
  return parsed;
}

}  // namespace ddcrash
