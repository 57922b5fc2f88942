// A page cache in front of another ProcessMemory. Unwinders read a few bytes at a time,
// mostly from the same stack and unwind-table pages; with the cache each 4 KiB page costs one
// read of the target at most.
#ifndef DDCRASH_PTRACE_CACHED_PROCESS_MEMORY_H_
#define DDCRASH_PTRACE_CACHED_PROCESS_MEMORY_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "ptrace/process_memory.h"

namespace ddcrash {

// Valid only while the target is stopped: cached pages are never refreshed. Assumes, like the
// kernel, that readability changes only at page boundaries; a page whose first byte cannot be
// read is cached as unreadable (with its error) and never read again. Not thread-safe.
class CachedProcessMemory : public ProcessMemory {
 public:
  static constexpr uint64_t kPageSize = 4096;

  // `underlying` must outlive this object.
  explicit CachedProcessMemory(ProcessMemory& underlying);
  CachedProcessMemory(const CachedProcessMemory&) = delete;
  CachedProcessMemory& operator=(const CachedProcessMemory&) = delete;

  absl::StatusOr<size_t> Read(uint64_t address, absl::Span<uint8_t> out) override;
  absl::Status HoldAccess() override { return underlying_.HoldAccess(); }

  size_t cached_pages() const { return pages_.size(); }

 private:
  struct Page {
    const uint8_t* bytes = nullptr;  // kPageSize bytes, in one of slabs_; null when unreadable
    size_t valid = 0;                // readable bytes from the start of the page
    absl::Status error;              // why nothing of the page is readable, when `valid` is 0
  };
  // The cached page at `page_address`, reading it (and the uncached pages after it, up to
  // `last_page_address`, in one underlying read) when missing.
  Page GetPage(uint64_t page_address, uint64_t last_page_address);

  ProcessMemory& underlying_;
  absl::flat_hash_map<uint64_t, Page> pages_;
  // The bytes of the pages, one block per underlying read, uninitialized until read into:
  // thousands of pages cost a few hundred allocations and no copy.
  std::vector<std::unique_ptr<uint8_t[]>> slabs_;
  // The last page used: consecutive small reads mostly hit the same page.
  uint64_t last_address_ = 0;
  std::optional<Page> last_page_;
};

}  // namespace ddcrash

#endif  // DDCRASH_PTRACE_CACHED_PROCESS_MEMORY_H_
