// The cache directory of deferred symbolization: downloaded debug files are kept by their
// source-relative key, so a second run (or another report of the same build) reads them from
// disk. Files are written under a temporary name and renamed into place when complete, so a
// cut download never poses as a debug file. A cached file is untrusted like a downloaded one:
// callers check its build id.
#ifndef DDCRASH_SYMBOLIZE_SYMBOL_CACHE_H_
#define DDCRASH_SYMBOLIZE_SYMBOL_CACHE_H_

#include <functional>
#include <string>

#include "absl/status/statusor.h"

namespace ddcrash {

// $DDCRASH_SYMBOL_CACHE, else $XDG_CACHE_HOME/ddcrash/symbols, else $HOME/.cache/ddcrash/symbols,
// else /tmp/ddcrash-symbols-<euid>.
std::string DefaultSymbolCacheDirectory();

class SymbolCache {
 public:
  explicit SymbolCache(std::string directory) : directory_(std::move(directory)) {}
  const std::string& directory() const { return directory_; }

  // <directory>/<name>, created (mode 0700, with missing parents) if needed: for a client
  // that keeps a cache of its own there (libdebuginfod).
  absl::StatusOr<std::string> Subdirectory(const std::string& name);

  // The cached file for `key` (a relative path of plain components), fetching it with
  // `fetch(fd)` into a new file when it is not cached yet. A failed fetch leaves nothing.
  absl::StatusOr<std::string> Get(const std::string& key,
                                  const std::function<absl::Status(int fd)>& fetch);

 private:
  std::string directory_;
};

}  // namespace ddcrash

#endif  // DDCRASH_SYMBOLIZE_SYMBOL_CACHE_H_
