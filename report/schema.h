// The version of report.proto's meaning that this code writes and reads.
#ifndef DDCRASH_REPORT_SCHEMA_H_
#define DDCRASH_REPORT_SCHEMA_H_

#include <cstdint>

namespace ddcrash {

// Bumped when the meaning of an existing field changes (never for added fields).
inline constexpr uint32_t kSchemaVersion = 1;

}  // namespace ddcrash

#endif  // DDCRASH_REPORT_SCHEMA_H_
