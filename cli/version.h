// The version of the ddcrash tools, written into every report.
#ifndef DDCRASH_CLI_VERSION_H_
#define DDCRASH_CLI_VERSION_H_

namespace ddcrash {

inline constexpr char kDdcrashVersion[] = "0.1.0";

}  // namespace ddcrash

#endif  // DDCRASH_CLI_VERSION_H_
