// The debug-file sources of one `ddquery --symbolize` run, from its options, cheapest first:
// local build-id directories, SSQP directories, then the network (debuginfod, SSQP servers).
#ifndef DDCRASH_SYMBOLIZE_SYMBOL_SOURCES_H_
#define DDCRASH_SYMBOLIZE_SYMBOL_SOURCES_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "symbolize/debug_file_source.h"
#include "symbolize/symbol_cache.h"

namespace ddcrash {

struct SymbolSourceOptions {
  // Roots of the build-id layout (DDCRASH_DEBUG_PATH entries, then /usr/lib/debug).
  std::vector<std::string> debug_directories;
  // SSQP roots: http:// URLs or local directories.
  std::vector<std::string> ssqp;
  // DEBUGINFOD_URLS; empty for none.
  std::string debuginfod_urls;
  std::string cache_directory;
  // Every network wait.
  absl::Duration timeout = absl::Seconds(15);
};

class SymbolSources {
 public:
  explicit SymbolSources(const SymbolSourceOptions& options);
  SymbolSources(const SymbolSources&) = delete;
  SymbolSources& operator=(const SymbolSources&) = delete;

  std::vector<DebugFileSource*> sources() const;
  // Sources that could not be set up (libdebuginfod missing, a bad URL): the run goes on
  // without them.
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  SymbolCache cache_;
  std::vector<std::unique_ptr<DebugFileSource>> sources_;
  std::vector<std::string> problems_;
};

}  // namespace ddcrash

#endif  // DDCRASH_SYMBOLIZE_SYMBOL_SOURCES_H_
