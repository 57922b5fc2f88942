// debuginfod servers (DEBUGINFOD_URLS), through elfutils' libdebuginfod, loaded with dlopen at
// run time: ddquery links nothing but glibc (README, "Supported systems"), and where the
// library is missing only this source is.
#ifndef DDCRASH_SYMBOLIZE_DEBUGINFOD_SOURCE_H_
#define DDCRASH_SYMBOLIZE_DEBUGINFOD_SOURCE_H_

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "symbolize/debug_file_source.h"

namespace ddcrash {

struct DebuginfodOptions {
  // Space-separated server URLs, as DEBUGINFOD_URLS.
  std::string urls;
  // libdebuginfod's own cache (DEBUGINFOD_CACHE_PATH).
  std::string cache_directory;
  // DEBUGINFOD_TIMEOUT (no progress for this long) and DEBUGINFOD_MAXTIME (the whole download).
  absl::Duration timeout = absl::Seconds(15);
  absl::Duration total_timeout = absl::Minutes(5);
};

class DebuginfodSource : public DebugFileSource {
 public:
  // Unavailable when libdebuginfod.so.1 cannot be loaded.
  static absl::StatusOr<std::unique_ptr<DebuginfodSource>> Create(DebuginfodOptions options);
  ~DebuginfodSource() override;

  std::string Describe() const override;
  absl::StatusOr<FoundDebugFile> Find(const DebugFileQuery& query) override;

 private:
  struct Library;
  DebuginfodSource(DebuginfodOptions options, const Library* library);

  DebuginfodOptions options_;
  const Library* library_;  // loaded once, never unloaded (libcurl does not support it)
};

}  // namespace ddcrash

#endif  // DDCRASH_SYMBOLIZE_DEBUGINFOD_SOURCE_H_
