// ECMA-335 II.23.2 compressed integers (blob lengths, signatures, sequence points).
#ifndef DDCRASH_METADATA_COMPRESSED_INTEGER_H_
#define DDCRASH_METADATA_COMPRESSED_INTEGER_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "binary/byte_reader.h"

namespace ddcrash::metadata {

// 1, 2 or 4 bytes, big-endian, the top bits saying which: 0..0x1FFFFFFF.
// InvalidArgument on a truncated value or the reserved 111xxxxx lead byte.
absl::StatusOr<uint32_t> ReadCompressedUnsigned(binary::ByteReader& reader);

// The signed form: the unsigned encoding of the value rotated left by one within its width
// (sign in bit 0), -0x10000000..0x0FFFFFFF.
absl::StatusOr<int32_t> ReadCompressedSigned(binary::ByteReader& reader);

}  // namespace ddcrash::metadata

#endif  // DDCRASH_METADATA_COMPRESSED_INTEGER_H_
