// Debug files in local directories: the build-id layout (<root>/.build-id/xx/rest.debug, as
// /usr/lib/debug and DDCRASH_DEBUG_PATH hold them) and the SSQP layout
// (<root>/<file>.dbg/elf-buildid-sym-<build id>/<file>.dbg, a symbol server's tree copied to
// disk).
#ifndef DDCRASH_SYMBOLIZE_LOCAL_SOURCES_H_
#define DDCRASH_SYMBOLIZE_LOCAL_SOURCES_H_

#include <string>

#include "absl/strings/string_view.h"
#include "symbolize/debug_file_source.h"

namespace ddcrash {

// "<file>.dbg/elf-buildid-sym-<build id>/<file>.dbg", lowercase: the SSQP key of an ELF module's debug
// file, relative to the server's root. Empty for a build id that is not lowercase hex or a file
// name that could leave the root ("", ".", "..", or one holding '/').
std::string SsqpKey(const DebugFileQuery& query);

// "xx/rest.debug" for build id "xxrest"; empty for a build id that is not lowercase hex of at
// least 2 bytes.
std::string BuildIdRelativePath(absl::string_view build_id);

class BuildIdDirectorySource : public DebugFileSource {
 public:
  // `root` holds .build-id/ (e.g. /usr/lib/debug).
  explicit BuildIdDirectorySource(std::string root) : root_(std::move(root)) {}
  std::string Describe() const override;
  absl::StatusOr<FoundDebugFile> Find(const DebugFileQuery& query) override;

 private:
  std::string root_;
};

class SsqpDirectorySource : public DebugFileSource {
 public:
  explicit SsqpDirectorySource(std::string root) : root_(std::move(root)) {}
  std::string Describe() const override;
  absl::StatusOr<FoundDebugFile> Find(const DebugFileQuery& query) override;

 private:
  std::string root_;
};

}  // namespace ddcrash

#endif  // DDCRASH_SYMBOLIZE_LOCAL_SOURCES_H_
