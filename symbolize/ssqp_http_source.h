// An SSQP symbol server over http:// (the layout of Microsoft's symbol server, which holds the
// .NET runtime's .dbg files): GET <url>/<SsqpKey>, downloaded into the cache.
#ifndef DDCRASH_SYMBOLIZE_SSQP_HTTP_SOURCE_H_
#define DDCRASH_SYMBOLIZE_SSQP_HTTP_SOURCE_H_

#include <string>

#include "symbolize/debug_file_source.h"
#include "symbolize/http_get.h"
#include "symbolize/symbol_cache.h"

namespace ddcrash {

class SsqpHttpSource : public DebugFileSource {
 public:
  // `url`: the server's root, e.g. "http://symbols.example/ssqp".
  SsqpHttpSource(std::string url, SymbolCache* cache, HttpGetOptions options)
      : url_(std::move(url)), cache_(cache), options_(options) {}
  std::string Describe() const override;
  absl::StatusOr<FoundDebugFile> Find(const DebugFileQuery& query) override;

 private:
  std::string url_;
  SymbolCache* cache_;
  HttpGetOptions options_;
};

}  // namespace ddcrash

#endif  // DDCRASH_SYMBOLIZE_SSQP_HTTP_SOURCE_H_
