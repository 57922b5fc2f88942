#include "pe/pe_image.h"

#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "pdb/testing/fixtures.h"

namespace ddcrash::pe {
namespace {

const DebugEntry* Find(const std::vector<DebugEntry>& entries, uint32_t type) {
  for (const DebugEntry& e : entries) {
    if (e.type == type) return &e;
  }
  return nullptr;
}

TEST(PeImageTest, ReadsTheTestAppAssembly) {
  absl::StatusOr<std::string> path = pdb::testing::TestAppFile("net8.0", "Ddcrash.TestApp.dll");
  ASSERT_TRUE(path.ok()) << path.status();
  absl::StatusOr<PeImage> image = PeImage::FromFile(*path);
  ASSERT_TRUE(image.ok()) << image.status();
  // Published for linux-x64: a PE32+ AMD64 image.
  EXPECT_TRUE(image->pe32_plus());
  EXPECT_EQ(image->machine(), 0x8664);
  bool text = false;
  for (const Section& s : image->sections()) text |= s.name == ".text";
  EXPECT_TRUE(text);
  absl::StatusOr<std::vector<DebugEntry>> entries = image->DebugDirectory();
  ASSERT_TRUE(entries.ok()) << entries.status();
  const DebugEntry* cv_entry = Find(*entries, kCodeView);
  ASSERT_NE(cv_entry, nullptr);
  absl::StatusOr<CodeView> cv = image->ReadCodeView(*cv_entry);
  ASSERT_TRUE(cv.ok()) << cv.status();
  EXPECT_TRUE(cv->portable);
  EXPECT_EQ(cv->age, 1u);
  EXPECT_TRUE(absl::EndsWith(cv->path, "Ddcrash.TestApp.pdb")) << cv->path;
  EXPECT_EQ(Find(*entries, kEmbeddedPortablePdb), nullptr);
  absl::StatusOr<absl::string_view> md = image->Metadata();
  ASSERT_TRUE(md.ok()) << md.status();
  EXPECT_TRUE(absl::StartsWith(*md, "BSJB"));
}

// An assembly stored inside another file (as a single-file app bundles it): only its range.
TEST(PeImageTest, ReadsAnImageFromARangeOfAFile) {
  absl::StatusOr<std::string> path = pdb::testing::TestAppFile("net8.0", "Ddcrash.TestApp.dll");
  ASSERT_TRUE(path.ok()) << path.status();
  absl::StatusOr<PeImage> alone = PeImage::FromFile(*path);
  ASSERT_TRUE(alone.ok()) << alone.status();
  const std::string container = std::string(getenv("TEST_TMPDIR")) + "/container.bin";
  {
    std::ofstream out(container, std::ios::binary | std::ios::trunc);
    out << std::string(1000, 'x') << alone->bytes() << std::string(77, 'y');
  }
  absl::StatusOr<PeImage> inside = PeImage::FromFile(container, 1000, alone->bytes().size());
  ASSERT_TRUE(inside.ok()) << inside.status();
  EXPECT_EQ(inside->bytes(), alone->bytes());
  EXPECT_TRUE(inside->Metadata().ok());
  EXPECT_FALSE(PeImage::FromFile(container, 999, alone->bytes().size()).ok());  // no MZ there
  EXPECT_TRUE(absl::IsOutOfRange(
      PeImage::FromFile(container, 1000, alone->bytes().size() + 78).status()));
  EXPECT_TRUE(absl::IsResourceExhausted(
      PeImage::FromFile(container, 0, PeImage::kMaxImageSize + 1).status()));
}

TEST(PeImageTest, InflatesTheEmbeddedPdbAndReadsItsChecksum) {
  absl::StatusOr<std::string> path = pdb::testing::PdbFixture("embedded/Ddcrash.PdbSample.dll");
  ASSERT_TRUE(path.ok()) << path.status();
  absl::StatusOr<PeImage> image = PeImage::FromFile(*path);
  ASSERT_TRUE(image.ok()) << image.status();
  absl::StatusOr<std::vector<DebugEntry>> entries = image->DebugDirectory();
  ASSERT_TRUE(entries.ok()) << entries.status();
  const DebugEntry* embedded = Find(*entries, kEmbeddedPortablePdb);
  ASSERT_NE(embedded, nullptr);
  absl::StatusOr<std::string> pdb = image->InflateEmbeddedPdb(*embedded);
  ASSERT_TRUE(pdb.ok()) << pdb.status();
  EXPECT_TRUE(absl::StartsWith(*pdb, "BSJB"));
  const DebugEntry* checksum = Find(*entries, kPdbChecksum);
  ASSERT_NE(checksum, nullptr);
  absl::StatusOr<PdbChecksum> sum = image->ReadPdbChecksum(*checksum);
  ASSERT_TRUE(sum.ok()) << sum.status();
  EXPECT_EQ(sum->algorithm, "SHA256");
  EXPECT_EQ(sum->checksum.size(), 32u);
  // A CodeView entry is read only as CodeView, an embedded entry only as embedded.
  EXPECT_FALSE(image->ReadCodeView(*embedded).ok());
  EXPECT_FALSE(image->InflateEmbeddedPdb(*checksum).ok());
}

TEST(PeImageTest, CorruptEmbeddedPdbDataIsRefused) {
  absl::StatusOr<std::string> path = pdb::testing::PdbFixture("embedded/Ddcrash.PdbSample.dll");
  ASSERT_TRUE(path.ok()) << path.status();
  absl::StatusOr<PeImage> clean = PeImage::FromFile(*path);
  ASSERT_TRUE(clean.ok()) << clean.status();
  const DebugEntry entry = *Find(*clean->DebugDirectory(), kEmbeddedPortablePdb);
  // Flip bytes inside the deflate stream, and lie about the inflated size.
  std::string bytes = clean->bytes();
  for (uint32_t i = 8; i < entry.size; i += 97) bytes[entry.file_offset + i] ^= 0x5a;
  absl::StatusOr<PeImage> flipped = PeImage::FromBytes(bytes);
  ASSERT_TRUE(flipped.ok());
  EXPECT_FALSE(flipped->InflateEmbeddedPdb(entry).ok());
  for (uint32_t declared : {1u, 0x10000000u}) {
    std::string lying = clean->bytes();
    for (int i = 0; i < 4; ++i) lying[entry.file_offset + 4 + i] = static_cast<char>(declared >> (8 * i));
    absl::StatusOr<PeImage> image = PeImage::FromBytes(lying);
    ASSERT_TRUE(image.ok());
    EXPECT_FALSE(image->InflateEmbeddedPdb(entry).ok()) << declared;
  }
}

TEST(PeImageTest, RejectsTruncatedImagesAndNonPeFiles) {
  absl::StatusOr<std::string> path = pdb::testing::PdbFixture("portable/Ddcrash.PdbSample.dll");
  ASSERT_TRUE(path.ok()) << path.status();
  absl::StatusOr<PeImage> image = PeImage::FromFile(*path);
  ASSERT_TRUE(image.ok()) << image.status();
  EXPECT_FALSE(image->pe32_plus());  // an AnyCPU library is PE32
  EXPECT_EQ(image->machine(), 0x14c);
  const std::string& bytes = image->bytes();
  for (size_t size : {size_t{0}, size_t{2}, size_t{0x40}, size_t{0x90}, size_t{0x100}}) {
    EXPECT_FALSE(PeImage::FromBytes(bytes.substr(0, size)).ok()) << size;
  }
  // Headers intact but the sections' data cut off: reading through an RVA fails cleanly.
  absl::StatusOr<PeImage> cut = PeImage::FromBytes(bytes.substr(0, 0x400));
  ASSERT_TRUE(cut.ok()) << cut.status();
  EXPECT_FALSE(cut->Metadata().ok());
  EXPECT_FALSE(PeImage::FromBytes("\x7f" "ELF and more bytes than a DOS header has, sure").ok());
  EXPECT_FALSE(image->ReadRva(0xfffffff0, 0x20).ok());
}

}  // namespace
}  // namespace ddcrash::pe
