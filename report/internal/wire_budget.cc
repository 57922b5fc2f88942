#include "report/internal/wire_budget.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/message.h"

namespace ddcrash {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

// Besides its own size, an entry of a repeated field costs a slot in an array that grows by
// doubling (two slots, at worst), and a heap block has its allocator's header.
constexpr size_t kSlot = 2 * sizeof(void*);
constexpr size_t kHeapBlock = 16;
constexpr size_t kStringSize = sizeof(std::string) + kHeapBlock;

class WireReader {
 public:
  explicit WireReader(absl::string_view bytes) : bytes_(bytes) {}
  size_t pos() const { return pos_; }
  bool Varint(uint64_t* value) {
    *value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= bytes_.size()) return false;
      const uint8_t byte = static_cast<uint8_t>(bytes_[pos_++]);
      *value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (byte < 0x80) return true;
    }
    return false;
  }
  bool Skip(uint64_t n, size_t end) {
    if (n > end - pos_) return false;
    pos_ += static_cast<size_t>(n);
    return true;
  }
  // Varints in [pos, pos + n): one per byte without the continuation bit.
  size_t CountVarints(size_t n) const {
    size_t count = 0;
    for (size_t i = pos_; i < pos_ + n; ++i) count += static_cast<uint8_t>(bytes_[i]) < 0x80;
    return count;
  }

 private:
  absl::string_view bytes_;
  size_t pos_ = 0;
};

size_t MessageSize(const Descriptor* descriptor,
                   absl::flat_hash_map<const Descriptor*, size_t>* cache) {
  auto [it, inserted] = cache->try_emplace(descriptor, 0);
  if (inserted) {
    const google::protobuf::Message* prototype =
        google::protobuf::MessageFactory::generated_factory()->GetPrototype(descriptor);
    it->second = (prototype != nullptr ? prototype->SpaceUsedLong() : 0) + kHeapBlock;
  }
  return it->second;
}

size_t PackedWidth(FieldDescriptor::Type type) {
  switch (type) {
    case FieldDescriptor::TYPE_FIXED64:
    case FieldDescriptor::TYPE_SFIXED64:
    case FieldDescriptor::TYPE_DOUBLE: return 8;
    case FieldDescriptor::TYPE_FIXED32:
    case FieldDescriptor::TYPE_SFIXED32:
    case FieldDescriptor::TYPE_FLOAT: return 4;
    default: return 0;  // varints
  }
}

}  // namespace

absl::StatusOr<size_t> EstimateParsedSize(absl::string_view bytes, const Descriptor* descriptor,
                                          size_t budget, int max_depth) {
  struct Open {
    const Descriptor* descriptor;
    size_t end;
  };
  absl::flat_hash_map<const Descriptor*, size_t> sizes;
  std::vector<Open> open = {{descriptor, bytes.size()}};
  WireReader reader(bytes);
  size_t total = MessageSize(descriptor, &sizes);
  auto corrupt = [&](absl::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat(what, " at byte ", reader.pos()));
  };
  auto over_budget = [&] {
    return absl::ResourceExhaustedError(
        absl::StrCat("parsing would take more than ", budget >> 20, " MiB of memory (the first ",
                     reader.pos(), " bytes already would)"));
  };
  while (true) {
    if (reader.pos() == open.back().end) {
      open.pop_back();
      if (open.empty()) break;
      continue;
    }
    const size_t end = open.back().end;
    uint64_t tag = 0;
    if (!reader.Varint(&tag) || reader.pos() > end) return corrupt("bad field tag");
    const uint64_t number = tag >> 3;
    if (number == 0 || number > FieldDescriptor::kMaxNumber) return corrupt("bad field number");
    const FieldDescriptor* field =
        open.back().descriptor->FindFieldByNumber(static_cast<int>(number));
    // An unknown field is kept (16 bytes and a slot); a singular field seen again replaces
    // the value it had, costing nothing more, but is counted anyway: the estimate may only
    // err high.
    const size_t element = field == nullptr ? 16 + kSlot : field->is_repeated() ? kSlot : 0;
    uint64_t value = 0;
    switch (tag & 7) {
      case 0:
        if (!reader.Varint(&value) || reader.pos() > end) return corrupt("bad varint");
        total += element + (field != nullptr && field->is_repeated() ? 8 : 0);
        break;
      case 1:
      case 5:
        if (!reader.Skip((tag & 7) == 1 ? 8 : 4, end)) return corrupt("cut fixed-size field");
        total += element + (field != nullptr && field->is_repeated() ? 8 : 0);
        break;
      case 2: {
        if (!reader.Varint(&value) || reader.pos() > end || value > end - reader.pos()) {
          return corrupt("bad length");
        }
        const size_t length = static_cast<size_t>(value);
        if (field != nullptr && field->type() == FieldDescriptor::TYPE_MESSAGE) {
          if (static_cast<int>(open.size()) > max_depth) return corrupt("nesting too deep");
          total += element + MessageSize(field->message_type(), &sizes);
          if (total > budget) return over_budget();
          open.push_back({field->message_type(), reader.pos() + length});
          continue;
        }
        if (field != nullptr && field->is_repeated() && field->is_packable()) {
          const size_t width = PackedWidth(field->type());
          const size_t count = width == 0 ? reader.CountVarints(length) : length / width;
          total += count * (kSlot + 8);
        } else {
          total += element + kStringSize + length;
        }
        reader.Skip(length, end);
        break;
      }
      default:
        return corrupt("unsupported wire type");
    }
    if (total > budget) return over_budget();
  }
  return total;
}

}  // namespace ddcrash
