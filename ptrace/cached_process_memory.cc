#include "ptrace/cached_process_memory.h"

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

namespace ddcrash {

CachedProcessMemory::CachedProcessMemory(ProcessMemory& underlying) : underlying_(underlying) {}

CachedProcessMemory::Page CachedProcessMemory::GetPage(uint64_t page_address,
                                                      uint64_t last_page_address) {
  if (last_page_.has_value() && last_address_ == page_address) return *last_page_;
  auto found = pages_.find(page_address);
  if (found != pages_.end()) {
    last_address_ = page_address;
    last_page_ = found->second;
    return found->second;
  }

  // Batch the run of missing pages this read needs into one underlying read: a large read
  // (a whole stack) then costs one syscall, not one per page.
  uint64_t run_end = page_address;  // last page of the run
  while (run_end < last_page_address && !pages_.contains(run_end + kPageSize)) {
    run_end += kPageSize;
  }
  size_t run_pages = static_cast<size_t>((run_end - page_address) / kPageSize + 1);
  const size_t run_size = run_pages * kPageSize;
  std::unique_ptr<uint8_t[]> slab = std::make_unique_for_overwrite<uint8_t[]>(run_size);
  absl::StatusOr<size_t> n = underlying_.Read(page_address, absl::MakeSpan(slab.get(), run_size));

  size_t got = n.ok() ? *n : 0;
  for (size_t i = 0; i < run_pages; ++i) {
    size_t page_begin = i * kPageSize;
    // Pages after the one where the read stopped are not known to be unreadable (the read
    // stopped at the first failure); leave them to be read on their own.
    if (i > 0 && got <= page_begin) break;
    Page page;
    if (got > page_begin) {
      page.bytes = slab.get() + page_begin;
      page.valid = std::min<size_t>(got - page_begin, kPageSize);
    } else {
      page.error = n.ok() ? absl::OutOfRangeError("target memory not readable") : n.status();
    }
    pages_[page_address + page_begin] = std::move(page);
  }
  if (got > 0) slabs_.push_back(std::move(slab));
  last_address_ = page_address;
  last_page_ = pages_[page_address];
  return *last_page_;
}

absl::StatusOr<size_t> CachedProcessMemory::Read(uint64_t address, absl::Span<uint8_t> out) {
  if (out.empty()) return 0;
  // Most reads are a few bytes on the page the previous read used.
  if (last_page_.has_value() && (address & ~(kPageSize - 1)) == last_address_) {
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
    const Page page = GetPage(page_address, last_page_address);
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
