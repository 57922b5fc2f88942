// The ddquery modes that work over reports after the crash, apart from viewing one:
// --group (triage over many reports), --symbolize (deferred symbolization) and --otlp
// (OpenTelemetry export). ddquery.cc dispatches to them.
#ifndef DDCRASH_CLI_DDQUERY_FLEET_H_
#define DDCRASH_CLI_DDQUERY_FLEET_H_

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace ddcrash {

// The usage text of these modes, for ddquery --help.
extern const char kFleetUsage[];

// Runs the mode `args` asks for and returns its DdqueryExit code, or nullopt when `args` asks
// for none of them (then ddquery's views apply).
std::optional<int> RunFleetMode(const std::vector<std::string>& args, std::ostream& out,
                                std::ostream& err);

}  // namespace ddcrash

#endif  // DDCRASH_CLI_DDQUERY_FLEET_H_
