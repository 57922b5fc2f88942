#include "elf/load_bias.h"

#include <elf.h>

#include <vector>

#include "gtest/gtest.h"

namespace ddcrash {
namespace {

TEST(LoadBiasTest, UsesTheSegmentCoveringTheMappingOffset) {
  std::vector<ElfProgramHeader> headers(2);
  headers[0] = {PT_LOAD, PF_R, 0, 0, 0x1234, 0x1234, 0x1000};
  headers[1] = {PT_LOAD, PF_R | PF_X, 0x1234, 0x2234, 0x5000, 0x5000, 0x1000};
  // File page 0x1000 belongs to both segments; a mapping starting there is the second
  // segment's (the loader maps each segment from the page holding its p_offset).
  absl::StatusOr<uint64_t> bias = ComputeLoadBias(headers, 0x7000, 0x1000);
  ASSERT_TRUE(bias.ok());
  EXPECT_EQ(*bias, 0x7000u - 0x2000u);
  // Inside the second segment.
  bias = ComputeLoadBias(headers, 0x9000, 0x3000);
  ASSERT_TRUE(bias.ok());
  EXPECT_EQ(*bias, 0x9000u - 0x4000u);
  // The first segment, at offset 0.
  bias = ComputeLoadBias(headers, 0x6000, 0);
  ASSERT_TRUE(bias.ok());
  EXPECT_EQ(*bias, 0x6000u);
  EXPECT_FALSE(ComputeLoadBias(headers, 0x7000, 0x100000).ok());
  EXPECT_FALSE(ComputeLoadBias({}, 0x7000, 0).ok());
}

TEST(LoadBiasTest, NonPieExecutableHasZeroBias) {
  // ET_EXEC: the first PT_LOAD is at its link address, mapped there.
  std::vector<ElfProgramHeader> headers = {
      {PT_LOAD, PF_R | PF_X, 0, 0x400000, 0x800, 0x800, 0x1000}};
  absl::StatusOr<uint64_t> bias = ComputeLoadBias(headers, 0x400000, 0);
  ASSERT_TRUE(bias.ok());
  EXPECT_EQ(*bias, 0u);
}

TEST(LoadBiasTest, OnlyLoadSegmentsCount) {
  std::vector<ElfProgramHeader> headers = {{PT_NOTE, PF_R, 0, 0x1000, 0x100, 0x100, 4}};
  EXPECT_FALSE(ComputeLoadBias(headers, 0x7000, 0).ok());
}

}  // namespace
}  // namespace ddcrash
