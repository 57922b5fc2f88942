#include "elf/eh_frame_hdr.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ddcrash {

using elf_internal::ByteReader;

std::optional<uint64_t> ReadEncodedPointer(ByteReader& reader, uint8_t encoding, uint64_t pc,
                                           uint64_t data_base) {
  if (encoding == kDwEhPeOmit) return std::nullopt;
  size_t start = reader.offset();
  uint64_t value = 0;
  switch (encoding & 0x0f) {
    case 0x00: {  // absptr
      auto v = reader.Read<uint64_t>();
      if (!v) return std::nullopt;
      value = *v;
      break;
    }
    case 0x01: {
      auto v = reader.ReadUleb128();
      if (!v) return std::nullopt;
      value = *v;
      break;
    }
    case 0x02: {
      auto v = reader.Read<uint16_t>();
      if (!v) return std::nullopt;
      value = *v;
      break;
    }
    case 0x03: {
      auto v = reader.Read<uint32_t>();
      if (!v) return std::nullopt;
      value = *v;
      break;
    }
    case 0x04: {
      auto v = reader.Read<uint64_t>();
      if (!v) return std::nullopt;
      value = *v;
      break;
    }
    case 0x09: {
      auto v = reader.ReadSleb128();
      if (!v) return std::nullopt;
      value = static_cast<uint64_t>(*v);
      break;
    }
    case 0x0a: {
      auto v = reader.Read<int16_t>();
      if (!v) return std::nullopt;
      value = static_cast<uint64_t>(static_cast<int64_t>(*v));
      break;
    }
    case 0x0b: {
      auto v = reader.Read<int32_t>();
      if (!v) return std::nullopt;
      value = static_cast<uint64_t>(static_cast<int64_t>(*v));
      break;
    }
    case 0x0c: {
      auto v = reader.Read<int64_t>();
      if (!v) return std::nullopt;
      value = static_cast<uint64_t>(*v);
      break;
    }
    default:
      reader.Seek(start);
      return std::nullopt;
  }
  switch (encoding & 0x70) {
    case 0x00:
      break;
    case 0x10:  // pcrel
      value += pc;
      break;
    case 0x30:  // datarel
      value += data_base;
      break;
    default:  // textrel, funcrel, aligned: not used in .eh_frame_hdr on x86-64
      reader.Seek(start);
      return std::nullopt;
  }
  if (encoding & 0x80) {  // indirect: would need target memory
    reader.Seek(start);
    return std::nullopt;
  }
  return value;
}

absl::StatusOr<EhFrameHdr> ParseEhFrameHdr(absl::Span<const uint8_t> data, uint64_t hdr_address) {
  ByteReader reader(data);
  EhFrameHdr hdr;
  auto version = reader.Read<uint8_t>();
  auto ptr_enc = reader.Read<uint8_t>();
  auto count_enc = reader.Read<uint8_t>();
  auto table_enc = reader.Read<uint8_t>();
  if (!version || !ptr_enc || !count_enc || !table_enc) {
    return absl::InvalidArgumentError(".eh_frame_hdr truncated");
  }
  if (*version != 1) {
    return absl::InvalidArgumentError(absl::StrCat(".eh_frame_hdr version ", *version));
  }
  hdr.version = *version;
  hdr.eh_frame_ptr_enc = *ptr_enc;
  hdr.fde_count_enc = *count_enc;
  hdr.table_enc = *table_enc;
  std::optional<uint64_t> eh_frame =
      ReadEncodedPointer(reader, hdr.eh_frame_ptr_enc, hdr_address + reader.offset(), hdr_address);
  if (!eh_frame) return absl::InvalidArgumentError("bad eh_frame_ptr");
  hdr.eh_frame_ptr = *eh_frame;
  if (hdr.fde_count_enc == kDwEhPeOmit || hdr.table_enc == kDwEhPeOmit) {
    return hdr;  // no search table
  }
  std::optional<uint64_t> count =
      ReadEncodedPointer(reader, hdr.fde_count_enc, hdr_address + reader.offset(), hdr_address);
  if (!count) return absl::InvalidArgumentError("bad fde_count");
  hdr.fde_count = *count;
  hdr.table_offset = reader.offset();
  if (hdr.table_enc != kDwEhPeDatarelSdata4) return hdr;  // a table libunwind cannot search
  if (hdr.fde_count > reader.remaining() / 8) {
    return absl::InvalidArgumentError(absl::StrCat(".eh_frame_hdr table of ", hdr.fde_count,
                                                   " entries exceeds the section"));
  }
  hdr.has_search_table = hdr.fde_count > 0;
  return hdr;
}

}  // namespace ddcrash
