#include "pe/pe_image.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "binary/file.h"
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
  absl::StatusOr<std::string> md = image->Metadata();
  ASSERT_TRUE(md.ok()) << md.status();
  EXPECT_TRUE(absl::StartsWith(*md, "BSJB"));
}

// An assembly stored inside another file (as a single-file app bundles it): only its range.
TEST(PeImageTest, ReadsAnImageFromARangeOfAFile) {
  absl::StatusOr<std::string> path = pdb::testing::TestAppFile("net8.0", "Ddcrash.TestApp.dll");
  ASSERT_TRUE(path.ok()) << path.status();
  absl::StatusOr<std::string> bytes = binary::ReadFileBounded(*path, PeImage::kMaxImageSize);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  absl::StatusOr<PeImage> alone = PeImage::FromFile(*path);
  ASSERT_TRUE(alone.ok()) << alone.status();
  const std::string container = std::string(getenv("TEST_TMPDIR")) + "/container.bin";
  {
    std::ofstream out(container, std::ios::binary | std::ios::trunc);
    out << std::string(1000, 'x') << *bytes << std::string(77, 'y');
  }
  absl::StatusOr<PeImage> inside =
      PeImage::FromFile(binary::FileRange{container, 1000, bytes->size()});
  ASSERT_TRUE(inside.ok()) << inside.status();
  EXPECT_EQ(inside->size(), bytes->size());
  absl::StatusOr<std::string> inside_metadata = inside->Metadata();
  absl::StatusOr<std::string> alone_metadata = alone->Metadata();
  ASSERT_TRUE(inside_metadata.ok() && alone_metadata.ok());
  EXPECT_EQ(*inside_metadata, *alone_metadata);
  // No MZ there.
  EXPECT_FALSE(PeImage::FromFile(binary::FileRange{container, 999, bytes->size()}).ok());
  // Past the end of the file.
  EXPECT_FALSE(PeImage::FromFile(binary::FileRange{container, 1000, bytes->size() + 78}).ok());
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
  absl::StatusOr<std::string> file = binary::ReadFileBounded(*path, PeImage::kMaxImageSize);
  ASSERT_TRUE(file.ok()) << file.status();
  std::string bytes = *file;
  for (uint32_t i = 8; i < entry.size; i += 97) bytes[entry.file_offset + i] ^= 0x5a;
  absl::StatusOr<PeImage> flipped = PeImage::FromBytes(bytes);
  ASSERT_TRUE(flipped.ok());
  EXPECT_FALSE(flipped->InflateEmbeddedPdb(entry).ok());
  for (uint32_t declared : {1u, 0x10000000u}) {
    std::string lying = *file;
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
  absl::StatusOr<std::string> file = binary::ReadFileBounded(*path, PeImage::kMaxImageSize);
  ASSERT_TRUE(file.ok()) << file.status();
  const std::string& bytes = *file;
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

// What an image answers, for comparing two readings of the same image.
std::string Describe(const PeImage& image) {
  std::string out = absl::StrCat(image.size(), " ", image.machine(), " ", image.sections().size());
  absl::StatusOr<std::string> md = image.Metadata();
  absl::StrAppend(&out, " md:", md.ok() ? *md : md.status().ToString());
  absl::StatusOr<std::vector<DebugEntry>> entries = image.DebugDirectory();
  if (!entries.ok()) return absl::StrCat(out, " ", entries.status().ToString());
  for (const DebugEntry& e : *entries) {
    absl::StatusOr<CodeView> cv = image.ReadCodeView(e);
    if (cv.ok()) absl::StrAppend(&out, " cv:", cv->path, cv->age);
    absl::StatusOr<std::string> pdb = image.InflateEmbeddedPdb(e);
    if (pdb.ok()) absl::StrAppend(&out, " pdb:", *pdb);
    absl::StatusOr<PdbChecksum> sum = image.ReadPdbChecksum(e);
    if (sum.ok()) absl::StrAppend(&out, " sum:", sum->algorithm, sum->checksum);
  }
  return out;
}

std::string WriteTemp(const std::string& name, const std::string& contents) {
  std::string path = absl::StrCat(getenv("TEST_TMPDIR"), "/", name);
  FILE* f = fopen(path.c_str(), "wb");
  fwrite(contents.data(), 1, contents.size(), f);
  fclose(f);
  return path;
}

TEST(PeImageTest, AFileReadOnDemandAnswersAsItsBytesDo) {
  for (const char* fixture : {"embedded/Ddcrash.PdbSample.dll", "portable/Ddcrash.PdbSample.dll"}) {
    absl::StatusOr<std::string> path = pdb::testing::PdbFixture(fixture);
    ASSERT_TRUE(path.ok()) << path.status();
    absl::StatusOr<std::string> bytes = binary::ReadFileBounded(*path, PeImage::kMaxImageSize);
    ASSERT_TRUE(bytes.ok()) << bytes.status();
    absl::StatusOr<PeImage> from_file = PeImage::FromFile(*path);
    absl::StatusOr<PeImage> from_bytes = PeImage::FromBytes(*bytes);
    ASSERT_TRUE(from_file.ok()) << from_file.status();
    ASSERT_TRUE(from_bytes.ok()) << from_bytes.status();
    EXPECT_EQ(Describe(*from_file), Describe(*from_bytes)) << fixture;

    // The same image stored inside a larger file (a single-file bundle's layout).
    const std::string before(4099, 'x'), after(777, 'y');
    std::string bundle = WriteTemp("bundle.bin", before + *bytes + after);
    absl::StatusOr<PeImage> inside =
        PeImage::FromFile(binary::FileRange{bundle, before.size(), bytes->size()});
    ASSERT_TRUE(inside.ok()) << inside.status();
    EXPECT_EQ(Describe(*inside), Describe(*from_bytes)) << fixture;
    // Its reads stop at the image's end, not the file's.
    EXPECT_FALSE(inside->Read(bytes->size() - 1, 2).ok());
    const uint64_t too_long = bytes->size() + after.size() + 1;
    EXPECT_FALSE(PeImage::FromFile(binary::FileRange{bundle, before.size(), too_long}).ok());
    EXPECT_FALSE(PeImage::FromFile(binary::FileRange{bundle, ~uint64_t{0}, 2}).ok());
    // No MZ at the start.
    EXPECT_FALSE(PeImage::FromFile(binary::FileRange{bundle, 0, bytes->size()}).ok());
  }
}

TEST(PeImageTest, AFileCutShortAfterOpeningFailsCleanly) {
  absl::StatusOr<std::string> path = pdb::testing::PdbFixture("embedded/Ddcrash.PdbSample.dll");
  ASSERT_TRUE(path.ok()) << path.status();
  absl::StatusOr<std::string> bytes = binary::ReadFileBounded(*path, PeImage::kMaxImageSize);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  std::string copy = WriteTemp("cut.dll", *bytes);
  absl::StatusOr<PeImage> image = PeImage::FromFile(copy);
  ASSERT_TRUE(image.ok()) << image.status();
  absl::StatusOr<std::vector<DebugEntry>> entries = image->DebugDirectory();
  ASSERT_TRUE(entries.ok()) << entries.status();
  const DebugEntry* embedded = Find(*entries, kEmbeddedPortablePdb);
  ASSERT_NE(embedded, nullptr);
  ASSERT_EQ(truncate(copy.c_str(), 0x400), 0);
  EXPECT_TRUE(absl::IsDataLoss(image->Metadata().status())) << image->Metadata().status();
  EXPECT_TRUE(absl::IsDataLoss(image->InflateEmbeddedPdb(*embedded).status()));
}

TEST(PeImageTest, AnOversizedDebugRecordIsRefusedUnread) {
  absl::StatusOr<std::string> path = pdb::testing::PdbFixture("portable/Ddcrash.PdbSample.dll");
  ASSERT_TRUE(path.ok()) << path.status();
  absl::StatusOr<PeImage> image = PeImage::FromFile(*path);
  ASSERT_TRUE(image.ok()) << image.status();
  DebugEntry entry = *Find(*image->DebugDirectory(), kCodeView);
  entry.size = PeImage::kMaxDebugRecordSize + 1;
  entry.file_offset = 0;
  entry.rva = 0;
  absl::StatusOr<CodeView> cv = image->ReadCodeView(entry);
  EXPECT_TRUE(absl::StrContains(cv.status().message(), "over the limit")) << cv.status();
}

}  // namespace
}  // namespace ddcrash::pe
