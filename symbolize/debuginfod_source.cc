#include "symbolize/debuginfod_source.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace ddcrash {

// The part of libdebuginfod's C API used here (elfutils debuginfod.h, stable since 0.178).
struct DebuginfodSource::Library {
  using Client = struct debuginfod_client;
  Client* (*begin)();
  void (*end)(Client*);
  int (*find_debuginfo)(Client*, const unsigned char*, int, char**);
  const char* (*get_url)(Client*);  // 0.179 on; may be missing
};

absl::StatusOr<std::unique_ptr<DebuginfodSource>> DebuginfodSource::Create(DebuginfodOptions options) {
  // Loaded once per process: the first outcome stands.
  static const absl::StatusOr<Library>* const library = [] {
    void* handle = dlopen("libdebuginfod.so.1", RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* error = dlerror();
      return new absl::StatusOr<Library>(absl::UnavailableError(absl::StrCat(
          "cannot load libdebuginfod.so.1 (install libdebuginfod1): ", error ? error : "")));
    }
    Library loaded{
        reinterpret_cast<decltype(Library::begin)>(dlsym(handle, "debuginfod_begin")),
        reinterpret_cast<decltype(Library::end)>(dlsym(handle, "debuginfod_end")),
        reinterpret_cast<decltype(Library::find_debuginfo)>(dlsym(handle, "debuginfod_find_debuginfo")),
        reinterpret_cast<decltype(Library::get_url)>(dlsym(handle, "debuginfod_get_url")),
    };
    if (loaded.begin == nullptr || loaded.end == nullptr || loaded.find_debuginfo == nullptr) {
      return new absl::StatusOr<Library>(
          absl::UnavailableError("libdebuginfod.so.1 lacks debuginfod_begin/find_debuginfo"));
    }
    return new absl::StatusOr<Library>(loaded);
  }();
  if (!library->ok()) return library->status();
  return std::unique_ptr<DebuginfodSource>(new DebuginfodSource(std::move(options), &**library));
}

DebuginfodSource::DebuginfodSource(DebuginfodOptions options, const Library* library)
    : options_(std::move(options)), library_(library) {}

DebuginfodSource::~DebuginfodSource() = default;

std::string DebuginfodSource::Describe() const { return absl::StrCat("debuginfod ", options_.urls); }

absl::StatusOr<FoundDebugFile> DebuginfodSource::Find(const DebugFileQuery& query) {
  const std::string raw = absl::HexStringToBytes(query.build_id);
  if (raw.empty() || absl::BytesToHexString(raw) != query.build_id) {
    return absl::InvalidArgumentError("not a build id: " + query.build_id);
  }
  // libdebuginfod reads its configuration from the environment at each query; ddquery is
  // single-threaded, so setting it here affects nothing else.
  setenv("DEBUGINFOD_URLS", options_.urls.c_str(), 1);
  setenv("DEBUGINFOD_CACHE_PATH", options_.cache_directory.c_str(), 1);
  setenv("DEBUGINFOD_TIMEOUT",
         absl::StrCat(std::max<int64_t>(1, absl::ToInt64Seconds(options_.timeout))).c_str(), 1);
  setenv("DEBUGINFOD_MAXTIME",
         absl::StrCat(std::max<int64_t>(1, absl::ToInt64Seconds(options_.total_timeout))).c_str(), 1);
  Library::Client* client = library_->begin();
  if (client == nullptr) return absl::UnavailableError("debuginfod_begin failed");
  char* path = nullptr;
  const int fd = library_->find_debuginfo(client, reinterpret_cast<const unsigned char*>(raw.data()),
                                          static_cast<int>(raw.size()), &path);
  std::string url;
  if (fd >= 0 && library_->get_url != nullptr) {
    if (const char* found_url = library_->get_url(client)) url = found_url;
  }
  library_->end(client);
  if (fd < 0) {
    const int error = -fd;
    const std::string why = strerror(error);
    if (error == ENOENT) return absl::NotFoundError(why);
    if (error == ETIME || error == ETIMEDOUT) return absl::DeadlineExceededError(why);
    return absl::UnavailableError(why);
  }
  close(fd);
  FoundDebugFile found;
  found.path = path;
  free(path);
  found.origin = absl::StrCat("debuginfod ", url.empty() ? options_.urls : url);
  return found;
}

}  // namespace ddcrash
