#include "ptrace/cached_process_memory.h"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <memory>
#include <utility>

namespace ddcrash {

CachedProcessMemory::CachedProcessMemory(ProcessMemory& underlying, size_t max_pages)
    : underlying_(underlying), max_pages_(std::max<size_t>(max_pages, 8)) {}

const CachedProcessMemory::Page& CachedProcessMemory::GetPage(uint64_t page_address,
                                                              uint64_t last_page_address) {
  if (last_page_ != nullptr && last_address_ == page_address) return *last_page_;
  auto found = pages_.find(page_address);
  if (found != pages_.end()) {
    lru_.splice(lru_.begin(), lru_, found->second);
    last_address_ = page_address;
    last_page_ = &*found->second;
    return *last_page_;
  }

  // Batch the run of missing pages this read needs into one underlying read: a large read
  // (a whole stack) then costs one syscall, not one per page. A quarter of the cache at most,
  // so that the run's first page, the one returned, is not dropped for its last.
  const size_t max_run = max_pages_ / 4;
  uint64_t run_end = page_address;  // last page of the run
  while (run_end < last_page_address && (run_end - page_address) / kPageSize + 1 < max_run &&
         !pages_.contains(run_end + kPageSize)) {
    run_end += kPageSize;
  }
  size_t run_pages = static_cast<size_t>((run_end - page_address) / kPageSize + 1);
  const size_t run_size = run_pages * kPageSize;
  // Uninitialized: the read fills what is used of it.
  std::unique_ptr<uint8_t[]> buffer = std::make_unique_for_overwrite<uint8_t[]>(run_size);
  absl::StatusOr<size_t> n =
      underlying_.Read(page_address, absl::MakeSpan(buffer.get(), run_size));

  size_t got = n.ok() ? *n : 0;
  for (size_t i = 0; i < run_pages; ++i) {
    size_t page_begin = i * kPageSize;
    // Pages after the one where the read stopped are not known to be unreadable (the read
    // stopped at the first failure); leave them to be read on their own.
    if (i > 0 && got <= page_begin) break;
    if (pages_.size() >= max_pages_) {
      // Drop the least recently used page, reusing its memory for this one.
      pages_.erase(lru_.back().address);
      lru_.splice(lru_.begin(), lru_, std::prev(lru_.end()));
      lru_.front().error = absl::OkStatus();
    } else {
      lru_.emplace_front();
    }
    Page& page = lru_.front();
    page.address = page_address + page_begin;
    page.valid = 0;
    if (got > page_begin) {
      page.valid = std::min<size_t>(got - page_begin, kPageSize);
      std::memcpy(page.bytes, buffer.get() + page_begin, page.valid);
    } else {
      page.error = n.ok() ? absl::OutOfRangeError("target memory not readable") : n.status();
    }
    pages_[page.address] = lru_.begin();
  }
  auto first = pages_.find(page_address);
  lru_.splice(lru_.begin(), lru_, first->second);
  last_address_ = page_address;
  last_page_ = &*first->second;
  return *last_page_;
}

void CachedProcessMemory::Clear() {
  // Swapped out rather than cleared: clear() would keep the table's buckets.
  absl::flat_hash_map<uint64_t, Lru::iterator>().swap(pages_);
  lru_.clear();
  last_address_ = 0;
  last_page_ = nullptr;
}

absl::StatusOr<size_t> CachedProcessMemory::Read(uint64_t address, absl::Span<uint8_t> out) {
  if (out.empty()) return 0;
  // Most reads are a few bytes on the page the previous read used.
  if (last_page_ != nullptr && (address & ~(kPageSize - 1)) == last_address_) {
    const size_t offset = static_cast<size_t>(address - last_address_);
    if (offset < last_page_->valid && out.size() <= last_page_->valid - offset) {
      std::memcpy(out.data(), last_page_->bytes + offset, out.size());
      return out.size();
    }
  }
  // The last page this read touches, clamped so that address + size cannot wrap.
  uint64_t last_byte = address + std::min<uint64_t>(out.size() - 1, UINT64_MAX - address);
  uint64_t last_page_address = last_byte & ~(kPageSize - 1);
  size_t done = 0;
  while (done < out.size()) {
    uint64_t at = address + done;
    uint64_t page_address = at & ~(kPageSize - 1);
    const Page& page = GetPage(page_address, last_page_address);
    size_t offset = static_cast<size_t>(at - page_address);
    if (offset >= page.valid) {
      if (done == 0) {
        return page.error.ok() ? absl::OutOfRangeError("target memory not readable")
                               : page.error;
      }
      break;
    }
    size_t n = std::min(page.valid - offset, out.size() - done);
    std::memcpy(out.data() + done, page.bytes + offset, n);
    done += n;
    // A partly readable page ends the readable range.
    if (page.valid < kPageSize) break;
    if (page_address == last_page_address) break;
  }
  return done;
}

}  // namespace ddcrash
