// How the runtime's System.Diagnostics.StackTrace prints a method in an exception's stack
// trace, from the method's own assembly metadata (ECMA-335 II.22-23): the declaring type's
// full name (nested types joined by '.'), the method's generic parameter names, each parameter
// as "TypeName name"; an async method's or iterator's state machine named after the method it
// implements; and whether the frame is hidden ([StackTraceHidden] on the method or its type,
// or MethodImplOptions.AggressiveInlining).
#ifndef DDCRASH_METADATA_STACK_TRACE_METHOD_H_
#define DDCRASH_METADATA_STACK_TRACE_METHOD_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "binary/file.h"
#include "metadata/metadata_reader.h"

namespace ddcrash::metadata {

struct StackTraceMethod {
  // "Ns.Type`1.Find[TKey](TKey key)"; "Ns.Type.Items(Int32 n)+MoveNext()" for an iterator.
  std::string text;
  // StackTrace.ToString leaves the frame out (unless it is the last one).
  bool hidden = false;
  // An async state machine's: no "--- End of stack trace from previous location ---" after it.
  bool async = false;
};

// The method of MethodDef `token` (0x06xxxxxx) of `reader`'s assembly. InvalidArgument for a
// token outside the table or metadata that does not hold together.
absl::StatusOr<StackTraceMethod> DescribeStackTraceMethod(const MetadataReader& reader,
                                                          uint32_t token);

// DescribeStackTraceMethod for methods of assemblies on disk (or bundled in a single-file
// app: `bundled` gives their ranges of the executable, by the name the runtime gives them),
// each assembly read once.

class StackTraceMethodNamer {
 public:
  // `bundled`: the assemblies a single-file app bundles, by the name the runtime gives them,
  // read from their ranges of the executable.
  explicit StackTraceMethodNamer(std::map<std::string, binary::FileRange> bundled = {});
  ~StackTraceMethodNamer();
  StackTraceMethodNamer(const StackTraceMethodNamer&) = delete;
  StackTraceMethodNamer& operator=(const StackTraceMethodNamer&) = delete;

  // nullopt when the assembly cannot be read or the method described.
  std::optional<StackTraceMethod> Describe(const std::string& assembly_path, uint32_t token);

 private:
  struct Assembly;
  std::map<std::string, binary::FileRange> bundled_;
  std::map<std::string, std::unique_ptr<Assembly>> assemblies_;
};

}  // namespace ddcrash::metadata

#endif  // DDCRASH_METADATA_STACK_TRACE_METHOD_H_
