#include "metadata/metadata_reader.h"

#include <string>

#include "gtest/gtest.h"
#include "pdb/testing/fixtures.h"
#include "pe/pe_image.h"

namespace ddcrash::metadata {
namespace {

// MVID and every method name of real assemblies, against System.Reflection.Metadata.
TEST(MetadataReaderTest, AgreesWithTheOracleOnRealAssemblies) {
  struct Case {
    absl::StatusOr<std::string> dll, pdb;
  };
  for (Case c : {Case{pdb::testing::TestAppFile("net8.0", "Ddcrash.TestApp.dll"),
                      pdb::testing::TestAppFile("net8.0", "Ddcrash.TestApp.pdb")},
                 Case{pdb::testing::PdbFixture("portable/Ddcrash.PdbSample.dll"),
                      pdb::testing::PdbFixture("portable/Ddcrash.PdbSample.pdb")}}) {
    ASSERT_TRUE(c.dll.ok()) << c.dll.status();
    ASSERT_TRUE(c.pdb.ok()) << c.pdb.status();
    absl::StatusOr<pdb::testing::OracleDump> oracle = pdb::testing::RunOracle(*c.dll, *c.pdb);
    ASSERT_TRUE(oracle.ok()) << oracle.status();
    absl::StatusOr<pe::PeImage> image = pe::PeImage::FromFile(*c.dll);
    ASSERT_TRUE(image.ok()) << image.status();
    absl::StatusOr<std::string> md = image->Metadata();
    ASSERT_TRUE(md.ok()) << md.status();
    absl::StatusOr<MetadataReader> reader = MetadataReader::Parse(*md);
    ASSERT_TRUE(reader.ok()) << reader.status();
    EXPECT_EQ(reader->version().substr(0, 2), "v4");
    EXPECT_FALSE(reader->pdb_stream().has_value());
    absl::StatusOr<Guid> mvid = ModuleMvid(*reader);
    ASSERT_TRUE(mvid.ok()) << mvid.status();
    EXPECT_EQ(pdb::testing::Hex(mvid->data(), mvid->size()), oracle->mvid_hex);
    // Read by range from the file, the MVID is the same, from a few small reads.
    absl::StatusOr<pe::ImageRange> range = image->MetadataRange();
    ASSERT_TRUE(range.ok()) << range.status();
    size_t bytes_read = 0;
    absl::StatusOr<Guid> read_mvid =
        ReadModuleMvid(range->size, [&](uint32_t offset, uint32_t size) {
          bytes_read += size;
          return image->Read(range->offset + offset, size);
        });
    ASSERT_TRUE(read_mvid.ok()) << read_mvid.status();
    EXPECT_EQ(*read_mvid, *mvid);
    EXPECT_LT(bytes_read, 1400u);
    ASSERT_EQ(reader->RowCount(Table::kMethodDef), oracle->methods.size());
    for (const pdb::testing::OracleMethod& m : oracle->methods) {
      absl::StatusOr<absl::string_view> name = MethodDefName(*reader, m.token);
      ASSERT_TRUE(name.ok()) << name.status();
      EXPECT_EQ(*name, m.name);
    }
    EXPECT_FALSE(MethodDefName(*reader, 0x06000000).ok());
    EXPECT_FALSE(MethodDefName(*reader, 0x02000001).ok());
  }
}

TEST(MetadataReaderTest, ReadModuleMvidFailsCleanlyOnEveryCutOfTheMetadata) {
  absl::StatusOr<std::string> dll = pdb::testing::PdbFixture("portable/Ddcrash.PdbSample.dll");
  ASSERT_TRUE(dll.ok()) << dll.status();
  absl::StatusOr<pe::PeImage> image = pe::PeImage::FromFile(*dll);
  ASSERT_TRUE(image.ok()) << image.status();
  absl::StatusOr<std::string> md = image->Metadata();
  ASSERT_TRUE(md.ok()) << md.status();
  absl::StatusOr<Guid> whole = ModuleMvid(*MetadataReader::Parse(*md));
  ASSERT_TRUE(whole.ok()) << whole.status();
  // A reader of a metadata cut at `cut` (as a file that shrank): every read past the cut fails.
  for (size_t cut = 0; cut < md->size(); cut += cut < 2048 ? 1 : 997) {
    absl::StatusOr<Guid> mvid =
        ReadModuleMvid(static_cast<uint32_t>(md->size()),
                       [&](uint32_t offset, uint32_t size) -> absl::StatusOr<std::string> {
                         if (uint64_t{offset} + size > cut) return absl::DataLossError("cut");
                         return md->substr(offset, size);
                       });
    if (mvid.ok()) {
      EXPECT_EQ(*mvid, *whole) << cut;
    }
  }
  // Declared shorter than its streams: refused from the root alone.
  EXPECT_FALSE(ReadModuleMvid(64, [&](uint32_t offset, uint32_t size) -> absl::StatusOr<std::string> {
                 return md->substr(offset, size);
               }).ok());
}

TEST(MetadataReaderTest, ReadsAPortablePdbsPdbStreamAndDebugTables) {
  absl::StatusOr<std::string> path = pdb::testing::PdbFixture("portable/Ddcrash.PdbSample.pdb");
  ASSERT_TRUE(path.ok()) << path.status();
  absl::StatusOr<pe::PeImage> not_pe = pe::PeImage::FromFile(*path);
  EXPECT_FALSE(not_pe.ok());
  std::string bytes;
  FILE* f = fopen(path->c_str(), "rb");
  ASSERT_NE(f, nullptr);
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, f)) > 0) bytes.append(buffer, n);
  fclose(f);
  absl::StatusOr<MetadataReader> reader = MetadataReader::Parse(bytes);
  ASSERT_TRUE(reader.ok()) << reader.status();
  ASSERT_TRUE(reader->pdb_stream().has_value());
  // The PDB references the assembly's MethodDef table (LocalScope.Method etc.).
  EXPECT_NE(reader->pdb_stream()->type_system_rows[0x06], 0u);
  EXPECT_GT(reader->RowCount(Table::kDocument), 0u);
  EXPECT_GT(reader->RowCount(Table::kMethodDebugInformation), 0u);
  EXPECT_EQ(reader->RowCount(Table::kMethodDef), 0u);  // type-system rows are not the PDB's own
}

TEST(MetadataReaderTest, RejectsWhatIsNotMetadata) {
  EXPECT_FALSE(MetadataReader::Parse("").ok());
  EXPECT_FALSE(MetadataReader::Parse("BSJB").ok());
  EXPECT_FALSE(MetadataReader::Parse(std::string("BSJB\x01\x00\x01\x00\x00\x00\x00\x00\xff\xff\xff\xff", 16)).ok());
}

TEST(FormatGuidTest, PrintsTheWayDotnetDoes) {
  Guid g = {0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66,
            0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff};
  EXPECT_EQ(FormatGuid(g), "00112233-4455-6677-8899-aabbccddeeff");
}

}  // namespace
}  // namespace ddcrash::metadata
