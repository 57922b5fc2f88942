// A page cache in front of another ProcessMemory. Unwinders read a few bytes at a time,
// mostly from the same stack and unwind-table pages; with the cache each 4 KiB page costs one
// read of the target, as long as it stays among the most recently used `max_pages` pages
// (the least recently used is dropped to make room: bounded memory, whatever is read).
#ifndef DDCRASH_PTRACE_CACHED_PROCESS_MEMORY_H_
#define DDCRASH_PTRACE_CACHED_PROCESS_MEMORY_H_

#include <cstddef>
#include <cstdint>
#include <list>

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

  // 512 KiB. The DAC's walk of 1,000 threads reads ~3,700 distinct pages, mostly each
  // thread's own (stack, Thread object) once, and a small hot set of the runtime's; the native
  // walk reads each stack once. Hits are nearly all on the page just read, so the bound barely
  // changes the reads: 512 pages and 128 pages both cost ~4,200-4,600 process_vm_readv for a
  // snapshot of 1,009 threads, and 128 pages hold 1.5 MiB less in each of ddreport and its DAC
  // process (the two processes' peak together 37.4 -> 34.5 MiB). 64 pages would save only
  // 0.4 MiB more and limit a batched read to 16 pages.
  static constexpr size_t kDefaultMaxPages = 128;

  // `underlying` must outlive this object. `max_pages` is at least 8.
  explicit CachedProcessMemory(ProcessMemory& underlying, size_t max_pages = kDefaultMaxPages);
  CachedProcessMemory(const CachedProcessMemory&) = delete;
  CachedProcessMemory& operator=(const CachedProcessMemory&) = delete;

  absl::StatusOr<size_t> Read(uint64_t address, absl::Span<uint8_t> out) override;
  absl::Status HoldAccess() override { return underlying_.HoldAccess(); }

  size_t cached_pages() const { return pages_.size(); }
  // Frees every cached page (later reads fill the cache again): its owner is done with the
  // reads the cache was for (ddreport's native walk: ~5 MiB of pages at 1,000 threads).
  void Clear();

 private:
  struct Page {
    uint64_t address = 0;
    absl::Status error;  // why nothing of the page is readable, when `valid` is 0
    size_t valid = 0;    // readable bytes from the start of the page
    uint8_t bytes[kPageSize];
  };
  using Lru = std::list<Page>;  // most recently used first

  // The cached page at `page_address`, reading it (and the uncached pages after it, up to
  // `last_page_address`, in one underlying read) when missing. Valid until the next call.
  const Page& GetPage(uint64_t page_address, uint64_t last_page_address);

  ProcessMemory& underlying_;
  const size_t max_pages_;
  Lru lru_;
  absl::flat_hash_map<uint64_t, Lru::iterator> pages_;
  // The last page used: consecutive small reads mostly hit the same page.
  uint64_t last_address_ = 0;
  const Page* last_page_ = nullptr;
};

}  // namespace ddcrash

#endif  // DDCRASH_PTRACE_CACHED_PROCESS_MEMORY_H_
