// ddquery: reads a report and renders it (summary, one thread, thread list, modules, JSON,
// grep, fingerprint). Kept apart from main() so tests run it in-process.
#ifndef DDCRASH_CLI_DDQUERY_H_
#define DDCRASH_CLI_DDQUERY_H_

#include <ostream>
#include <string>
#include <vector>

namespace ddcrash {

// `args` excludes argv[0]. Returns a DdqueryExit code.
int RunDdquery(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace ddcrash

#endif  // DDCRASH_CLI_DDQUERY_H_
