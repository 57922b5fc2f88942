// The cache directory of deferred symbolization: downloaded debug files are kept by their
// source-relative key, so a second run (or another report of the same build) reads them from
// disk. The cache root is held to the report directory's rules (OpenReportDirectory: owned by
// the effective user, writable by nobody else, not a symlink) and so is every directory below
// it, each opened with openat(O_NOFOLLOW|O_DIRECTORY): no other user can plant a file in it or
// redirect a rename. A download is written under a temporary name, checked by the caller's
// `verify`, and only then renamed into place; a cached file that fails `verify` is removed and
// fetched again, so a cut or wrong download never poisons its key.
#ifndef DDCRASH_SYMBOLIZE_SYMBOL_CACHE_H_
#define DDCRASH_SYMBOLIZE_SYMBOL_CACHE_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ddcrash {

// $DDCRASH_SYMBOL_CACHE, else $XDG_CACHE_HOME/ddcrash/symbols, else $HOME/.cache/ddcrash/symbols
// (the variables that are set and absolute); empty when there is none: no shared fallback such
// as /tmp, where another user could have made the directory first.
std::string DefaultSymbolCacheDirectory();

class SymbolCache {
 public:
  // `directory` empty: no cache; downloads go to a private directory (mkdtemp) that the
  // destructor removes.
  explicit SymbolCache(std::string directory);
  ~SymbolCache();
  SymbolCache(const SymbolCache&) = delete;
  SymbolCache& operator=(const SymbolCache&) = delete;

  // False when downloads are not kept past this run.
  bool persistent() const { return persistent_; }
  // The root in use (for a non-persistent cache, the private directory once made).
  const std::string& directory() const { return directory_; }

  // <directory>/<name>, created (mode 0700) if needed and checked as the root is: for a
  // client that keeps a cache of its own there (libdebuginfod).
  absl::StatusOr<std::string> Subdirectory(const std::string& name);

  // The cached file for `key` (a relative path of plain components), fetching it with
  // `fetch(fd)` into a new file when it is not cached yet or the cached one fails
  // `verify(path)`. A failed fetch or verification leaves nothing.
  absl::StatusOr<std::string> Get(const std::string& key,
                                  const std::function<absl::Status(int fd)>& fetch,
                                  const std::function<absl::Status(const std::string& path)>& verify);

 private:
  // The root, opened and checked; for a non-persistent cache, made on first use.
  absl::StatusOr<int> OpenRoot();
  // The directory `relative` (plain components) below the root, created and checked.
  absl::StatusOr<int> OpenDirectory(const std::string& relative);

  std::string directory_;
  bool persistent_;
};

}  // namespace ddcrash

#endif  // DDCRASH_SYMBOLIZE_SYMBOL_CACHE_H_
