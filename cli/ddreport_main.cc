#include <iostream>
#include <string>
#include <vector>

#include "cli/ddreport_options.h"
#include "cli/exit_codes.h"
#include "cli/version.h"

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  absl::StatusOr<ddcrash::DdreportOptions> options = ddcrash::ParseDdreportOptions(args);
  if (!options.ok()) {
    std::cerr << "ddreport: " << options.status().message() << "\n" << ddcrash::kDdreportUsageText;
    return ddcrash::kDdreportUsage;
  }
  switch (options->mode) {
    case ddcrash::DdreportOptions::Mode::kHelp:
      std::cout << ddcrash::kDdreportUsageText;
      return ddcrash::kDdreportComplete;
    case ddcrash::DdreportOptions::Mode::kVersion:
      std::cout << "ddreport " << ddcrash::kDdcrashVersion << "\n";
      return ddcrash::kDdreportComplete;
    case ddcrash::DdreportOptions::Mode::kSnapshot:
    case ddcrash::DdreportOptions::Mode::kCreatedump:
      break;
  }
  std::cerr << "ddreport: capturing processes is not built yet\n";
  return ddcrash::kDdreportUsage;
}
