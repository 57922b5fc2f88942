// The version of report.proto's meaning that this code writes and reads.
#ifndef DDCRASH_REPORT_SCHEMA_H_
#define DDCRASH_REPORT_SCHEMA_H_

#include <cstdint>

namespace ddcrash {

// Bumped when the meaning of an existing field changes (never for added fields). 2: frames
// name their module by module_index alone (1 also repeated its path in each frame). A reader
// of 2 reads 1.
inline constexpr uint32_t kSchemaVersion = 2;

}  // namespace ddcrash

#endif  // DDCRASH_REPORT_SCHEMA_H_
