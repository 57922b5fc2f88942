// The documented JSON form of a report: the proto3 JSON mapping of report.proto.
#ifndef DDCRASH_REPORT_REPORT_JSON_H_
#define DDCRASH_REPORT_REPORT_JSON_H_

#include <string>

#include "absl/status/statusor.h"
#include "report/report.pb.h"

namespace ddcrash {

// lowerCamelCase field names, enums by name, 64-bit integers as strings (proto3 JSON rules).
absl::StatusOr<std::string> ReportToJson(const Report& report);

}  // namespace ddcrash

#endif  // DDCRASH_REPORT_REPORT_JSON_H_
