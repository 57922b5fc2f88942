#include "symbolize/symbol_sources.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "symbolize/debuginfod_source.h"
#include "symbolize/http_get.h"
#include "symbolize/local_sources.h"
#include "symbolize/ssqp_http_source.h"

namespace ddcrash {

SymbolSources::SymbolSources(const SymbolSourceOptions& options) : cache_(options.cache_directory) {
  if (!cache_.persistent()) {
    problems_.push_back(
        "no symbol cache (none of --cache, DDCRASH_SYMBOL_CACHE, XDG_CACHE_HOME, HOME is set): "
        "downloads are not kept past this run");
  }
  for (const std::string& root : options.debug_directories) {
    sources_.push_back(std::make_unique<BuildIdDirectorySource>(root));
  }
  const auto is_url = [](const std::string& where) { return absl::StrContains(where, "://"); };
  for (const std::string& where : options.ssqp) {
    if (!is_url(where)) sources_.push_back(std::make_unique<SsqpDirectorySource>(where));
  }
  if (!options.debuginfod_urls.empty()) {
    DebuginfodOptions debuginfod;
    debuginfod.urls = options.debuginfod_urls;
    debuginfod.timeout = options.timeout;
    debuginfod.total_timeout = options.timeout * 20;
    absl::StatusOr<std::string> cache = cache_.Subdirectory("debuginfod");
    if (cache.ok()) debuginfod.cache_directory = *cache;
    absl::StatusOr<std::unique_ptr<DebuginfodSource>> source =
        cache.ok() ? DebuginfodSource::Create(debuginfod) : cache.status();
    if (source.ok()) {
      sources_.push_back(*std::move(source));
    } else {
      problems_.push_back(absl::StrCat("debuginfod: ", source.status().message()));
    }
  }
  HttpGetOptions http;
  http.timeout = options.timeout;
  http.total_timeout = options.timeout * 20;
  for (const std::string& where : options.ssqp) {
    if (!is_url(where)) continue;
    if (absl::StatusOr<HttpUrl> url = ParseHttpUrl(where); !url.ok()) {
      problems_.push_back(absl::StrCat("ssqp: ", url.status().message()));
      continue;
    }
    sources_.push_back(std::make_unique<SsqpHttpSource>(where, &cache_, http));
  }
}

std::vector<DebugFileSource*> SymbolSources::sources() const {
  std::vector<DebugFileSource*> sources;
  for (const auto& source : sources_) sources.push_back(source.get());
  return sources;
}

}  // namespace ddcrash
