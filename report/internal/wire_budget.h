// What parsing a protobuf message would cost in memory, estimated from its wire format
// without building it: empty messages take two bytes on the wire but a hundred or more once
// parsed, so a byte limit alone does not bound a reader's memory.
#ifndef DDCRASH_REPORT_INTERNAL_WIRE_BUDGET_H_
#define DDCRASH_REPORT_INTERNAL_WIRE_BUDGET_H_

#include <cstddef>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace ddcrash {

// Walks `bytes` as a `descriptor` message and sums the in-memory size of every element the
// parser would create: each message (the size of its type), each string and bytes value,
// each repeated entry (packed ones included) and each unknown field. Stops with
// ResourceExhausted as soon as the sum passes `budget`, InvalidArgument when the bytes are
// not wire format or nest deeper than `max_depth`. Linear in the bytes; allocates only its
// stack.
absl::StatusOr<size_t> EstimateParsedSize(absl::string_view bytes,
                                          const google::protobuf::Descriptor* descriptor,
                                          size_t budget, int max_depth);

}  // namespace ddcrash

#endif  // DDCRASH_REPORT_INTERNAL_WIRE_BUDGET_H_
