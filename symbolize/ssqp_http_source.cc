#include "symbolize/ssqp_http_source.h"

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "elf/elf_file.h"
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
      },
      // A body cut by an early close, an error page served as 200 or another build's file
      // is refused before it is renamed into the cache (and a cached one is fetched again).
      [&](const std::string& file) -> absl::Status {
        absl::StatusOr<std::unique_ptr<ElfFile>> elf = ElfFile::Open(file);
        if (!elf.ok()) {
          return absl::DataLossError(absl::StrCat("not an ELF file: ", elf.status().message()));
        }
        const std::string build_id = absl::BytesToHexString((*elf)->BuildId());
        if (build_id != query.build_id) {
          return absl::FailedPreconditionError(absl::StrCat(
              "build id mismatch (the file has ", build_id.empty() ? "none" : build_id, ")"));
        }
        return absl::OkStatus();
      });
  if (!path.ok()) return absl::Status(path.status().code(), absl::StrCat(url, ": ", path.status().message()));
  return FoundDebugFile{*path, absl::StrCat("ssqp ", url)};
}

}  // namespace ddcrash
