#include "ptrace/fake_process_memory.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace ddcrash {

void FakeProcessMemory::AddRegion(uint64_t address, std::vector<uint8_t> bytes) {
  if (bytes.empty()) return;
  regions_.push_back(Region{address, std::move(bytes)});
}

void FakeProcessMemory::AddRegion(uint64_t address, absl::string_view bytes) {
  AddRegion(address, std::vector<uint8_t>(bytes.begin(), bytes.end()));
}

const FakeProcessMemory::Region* FakeProcessMemory::RegionAt(uint64_t address) const {
  for (auto it = regions_.rbegin(); it != regions_.rend(); ++it) {
    if (address >= it->address && address - it->address < it->bytes.size()) return &*it;
  }
  return nullptr;
}

uint64_t FakeProcessMemory::NextNewerStart(const Region* region, uint64_t address,
                                           uint64_t limit) const {
  for (const Region* r = region + 1; r < regions_.data() + regions_.size(); ++r) {
    if (r->address > address && r->address < limit) limit = r->address;
  }
  return limit;
}

absl::StatusOr<size_t> FakeProcessMemory::Read(uint64_t address, absl::Span<uint8_t> out) {
  ++read_count_;
  size_t done = 0;
  while (done < out.size()) {
    uint64_t at = address + done;
    if (at < address) break;  // wrapped past the top of the address space
    const Region* region = RegionAt(at);
    if (region == nullptr) break;
    uint64_t region_end = region->address + region->bytes.size();
    uint64_t stop = NextNewerStart(region, at, region_end);
    size_t n = static_cast<size_t>(std::min<uint64_t>(stop - at, out.size() - done));
    std::memcpy(out.data() + done, region->bytes.data() + (at - region->address), n);
    done += n;
  }
  if (done == 0 && !out.empty()) {
    return absl::OutOfRangeError(absl::StrFormat("fake memory at 0x%x is not readable", address));
  }
  return done;
}

}  // namespace ddcrash
