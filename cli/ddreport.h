// ddreport: captures a process into a report. Kept apart from main() so tests run it
// in-process.
#ifndef DDCRASH_CLI_DDREPORT_H_
#define DDCRASH_CLI_DDREPORT_H_

#include <ostream>
#include <string>
#include <vector>

namespace ddcrash {

// `args` excludes argv[0]. Returns a DdreportExit code.
int RunDdreport(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace ddcrash

#endif  // DDCRASH_CLI_DDREPORT_H_
