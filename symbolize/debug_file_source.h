// Where deferred symbolization finds a module's debug file by build id: one interface, one
// implementation per kind of place (local build-id directories, SSQP directories and servers,
// debuginfod servers). A source only finds a file; the caller checks it (build id, symbols).
#ifndef DDCRASH_SYMBOLIZE_DEBUG_FILE_SOURCE_H_
#define DDCRASH_SYMBOLIZE_DEBUG_FILE_SOURCE_H_

#include <string>

#include "absl/status/statusor.h"

namespace ddcrash {

struct DebugFileQuery {
  std::string build_id;   // lowercase hex, as Module.build_id
  std::string file_name;  // the module's basename, e.g. "libcoreclr.so" (SSQP keys use it)
};

struct FoundDebugFile {
  std::string path;    // a local file to read (in place, or downloaded into the cache)
  std::string origin;  // what Frame.function_source records: "<kind> <path or URL>"
};

class DebugFileSource {
 public:
  virtual ~DebugFileSource() = default;
  // "directory /usr/lib/debug", "debuginfod", "ssqp http://host/symbols"...
  virtual std::string Describe() const = 0;
  // NotFound when the source has no file for the query; DeadlineExceeded, Unavailable and
  // others when it could not answer. Never blocks longer than the source's timeout.
  virtual absl::StatusOr<FoundDebugFile> Find(const DebugFileQuery& query) = 0;
};

}  // namespace ddcrash

#endif  // DDCRASH_SYMBOLIZE_DEBUG_FILE_SOURCE_H_
