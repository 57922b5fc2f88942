#include "symbolize/ssqp_http_source.h"

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/ascii.h"
#include "symbolize/local_sources.h"

namespace ddcrash {

std::string SsqpHttpSource::Describe() const { return absl::StrCat("ssqp ", url_); }

absl::StatusOr<FoundDebugFile> SsqpHttpSource::Find(const DebugFileQuery& query) {
  const std::string key = SsqpKey(query);
  if (key.empty()) return absl::InvalidArgumentError("no SSQP key for " + query.file_name);
  const std::string url = absl::StrCat(url_, absl::EndsWith(url_, "/") ? "" : "/", key);
  absl::StatusOr<HttpUrl> parsed = ParseHttpUrl(url);
  if (!parsed.ok()) return parsed.status();
  // One cache subtree per server, named by its URL.
  std::string server = url_.substr(sizeof("http://") - 1);
  for (char& c : server) {
    if (!absl::ascii_isalnum(c) && c != '-') c = '_';
  }
  absl::StatusOr<std::string> path =
      cache_->Get(absl::StrCat("ssqp/", server, "/", key), [&](int fd) {
        absl::StatusOr<uint64_t> size = HttpGetToFd(*parsed, fd, options_);
        return size.ok() ? absl::OkStatus() : size.status();
      });
  if (!path.ok()) return absl::Status(path.status().code(), absl::StrCat(url, ": ", path.status().message()));
  return FoundDebugFile{*path, absl::StrCat("ssqp ", url)};
}

}  // namespace ddcrash
