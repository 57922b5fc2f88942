// The version of the ddcrash tools and the source revision they were built from: printed by
// --version and written into every report.
#ifndef DDCRASH_CLI_VERSION_H_
#define DDCRASH_CLI_VERSION_H_

namespace ddcrash {

inline constexpr char kDdcrashVersion[] = "0.1.0";

// The git commit of the build ("-dirty" appended when tracked files had uncommitted changes,
// "unknown" outside a git checkout). Stamped from release/workspace_status.sh.
extern const char kDdcrashSourceRevision[];

}  // namespace ddcrash

#endif  // DDCRASH_CLI_VERSION_H_
