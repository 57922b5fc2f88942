// Compares the reader with System.Reflection.Metadata (the oracle of pdb/testing) on real
// PDBs: the test app's (beside its assembly), a fixture's beside its assembly and one
// embedded in it. Every method, every sequence point, every IL offset.
#include "pdb/portable_pdb.h"

#include <string>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "pdb/testing/fixtures.h"
#include "pe/pe_image.h"

namespace ddcrash::pdb {
namespace {

using testing::OracleDump;
using testing::RunOracle;

void CompareWithOracle(const PortablePdb& pdb, const OracleDump& oracle) {
  EXPECT_EQ(testing::Hex(pdb.id().data(), pdb.id().size()), oracle.pdb_id_hex);
  // The oracle prints a nil entry point as the bare MethodDef table token 0x06000000.
  EXPECT_EQ(pdb.entry_point() & 0x00ffffff, oracle.entry_point & 0x00ffffff);
  EXPECT_EQ(pdb.method_count(), oracle.methods.size());
  size_t points = 0, answers = 0, with_line = 0;
  for (const testing::OracleMethod& m : oracle.methods) {
    SCOPED_TRACE(absl::StrFormat("method 0x%08x %s", m.token, m.name));
    absl::StatusOr<std::vector<SequencePoint>> ours = pdb.SequencePoints(m.token);
    ASSERT_TRUE(ours.ok()) << ours.status();
    ASSERT_EQ(ours->size(), m.points.size());
    for (size_t i = 0; i < m.points.size(); ++i) {
      const SequencePoint& p = (*ours)[i];
      const testing::OracleSequencePoint& o = m.points[i];
      EXPECT_EQ(p.il_offset, o.il_offset) << i;
      EXPECT_EQ(p.start_line, o.start_line) << i;
      EXPECT_EQ(p.start_column, o.start_column) << i;
      EXPECT_EQ(p.end_line, o.end_line) << i;
      EXPECT_EQ(p.end_column, o.end_column) << i;
      EXPECT_EQ(p.hidden(), o.hidden) << i;
      absl::StatusOr<std::string> document = pdb.DocumentName(p.document);
      ASSERT_TRUE(document.ok()) << document.status();
      EXPECT_EQ(*document, o.document) << i;
      ++points;
    }
    ASSERT_EQ(m.answers.size(), m.il_size);
    for (uint32_t il = 0; il < m.il_size; ++il) {
      absl::StatusOr<std::optional<SourceLocation>> at = pdb.Lookup(m.token, il);
      ASSERT_TRUE(at.ok()) << at.status();
      const testing::OracleAnswer& o = m.answers[il];
      ASSERT_EQ(at->has_value(), o.found) << "IL " << il;
      ++answers;
      if (!o.found) continue;
      ++with_line;
      EXPECT_EQ((*at)->line, o.line) << "IL " << il;
      EXPECT_EQ((*at)->column, o.column) << "IL " << il;
      EXPECT_EQ((*at)->file, o.document) << "IL " << il;
    }
  }
  // The fixtures are real programs: most of their IL has a line.
  EXPECT_GT(points, 20u);
  EXPECT_GT(with_line, answers / 2);
  std::printf("compared %zu methods, %zu sequence points, %zu IL offsets (%zu with a line)\n",
              oracle.methods.size(), points, answers, with_line);
}

TEST(PortablePdbOracleTest, TestAppPdbBesideItsAssembly) {
  for (const char* tfm : {"net8.0", "net10.0"}) {
    SCOPED_TRACE(tfm);
    absl::StatusOr<std::string> dll = testing::TestAppFile(tfm, "Ddcrash.TestApp.dll");
    absl::StatusOr<std::string> pdb_path = testing::TestAppFile(tfm, "Ddcrash.TestApp.pdb");
    ASSERT_TRUE(dll.ok()) << dll.status();
    ASSERT_TRUE(pdb_path.ok()) << pdb_path.status();
    absl::StatusOr<OracleDump> oracle = RunOracle(*dll, *pdb_path);
    ASSERT_TRUE(oracle.ok()) << oracle.status();
    absl::StatusOr<PortablePdb> pdb = PortablePdb::FromFile(*pdb_path);
    ASSERT_TRUE(pdb.ok()) << pdb.status();
    CompareWithOracle(*pdb, *oracle);
  }
}

TEST(PortablePdbOracleTest, FixturePdbBesideItsAssembly) {
  absl::StatusOr<std::string> dll = testing::PdbFixture("portable/Ddcrash.PdbSample.dll");
  absl::StatusOr<std::string> pdb_path = testing::PdbFixture("portable/Ddcrash.PdbSample.pdb");
  ASSERT_TRUE(dll.ok()) << dll.status();
  ASSERT_TRUE(pdb_path.ok()) << pdb_path.status();
  absl::StatusOr<OracleDump> oracle = RunOracle(*dll, *pdb_path);
  ASSERT_TRUE(oracle.ok()) << oracle.status();
  absl::StatusOr<PortablePdb> pdb = PortablePdb::FromFile(*pdb_path);
  ASSERT_TRUE(pdb.ok()) << pdb.status();
  CompareWithOracle(*pdb, *oracle);
  // The fixture's #line directive gives a method two documents.
  EXPECT_GE(pdb->document_count(), 2u);
}

TEST(PortablePdbOracleTest, EmbeddedPdb) {
  absl::StatusOr<std::string> dll = testing::PdbFixture("embedded/Ddcrash.PdbSample.dll");
  ASSERT_TRUE(dll.ok()) << dll.status();
  absl::StatusOr<OracleDump> oracle = RunOracle(*dll, "embedded");
  ASSERT_TRUE(oracle.ok()) << oracle.status();
  absl::StatusOr<pe::PeImage> image = pe::PeImage::FromFile(*dll);
  ASSERT_TRUE(image.ok()) << image.status();
  absl::StatusOr<std::vector<pe::DebugEntry>> entries = image->DebugDirectory();
  ASSERT_TRUE(entries.ok()) << entries.status();
  const pe::DebugEntry* embedded = nullptr;
  for (const pe::DebugEntry& e : *entries) {
    if (e.type == pe::kEmbeddedPortablePdb) embedded = &e;
  }
  ASSERT_NE(embedded, nullptr);
  absl::StatusOr<std::string> bytes = image->InflateEmbeddedPdb(*embedded);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  absl::StatusOr<PortablePdb> pdb = PortablePdb::FromBytes(*std::move(bytes));
  ASSERT_TRUE(pdb.ok()) << pdb.status();
  CompareWithOracle(*pdb, *oracle);
}

TEST(PortablePdbTest, RejectsWhatIsNotAMethodDefOrHasNoDebugInformation) {
  absl::StatusOr<std::string> pdb_path = testing::PdbFixture("portable/Ddcrash.PdbSample.pdb");
  ASSERT_TRUE(pdb_path.ok()) << pdb_path.status();
  absl::StatusOr<PortablePdb> pdb = PortablePdb::FromFile(*pdb_path);
  ASSERT_TRUE(pdb.ok()) << pdb.status();
  EXPECT_TRUE(absl::IsInvalidArgument(pdb->Lookup(0x02000001, 0).status()));
  EXPECT_TRUE(absl::IsNotFound(pdb->Lookup(0x06000000, 0).status()));
  EXPECT_TRUE(absl::IsNotFound(pdb->Lookup(0x06ffffff, 0).status()));
  EXPECT_FALSE(pdb->DocumentName(0).ok());
  EXPECT_FALSE(pdb->DocumentName(pdb->document_count() + 1).ok());
}

TEST(PortablePdbTest, AnAssemblysMetadataIsNotAPdb) {
  absl::StatusOr<std::string> dll = testing::PdbFixture("portable/Ddcrash.PdbSample.dll");
  ASSERT_TRUE(dll.ok()) << dll.status();
  absl::StatusOr<pe::PeImage> image = pe::PeImage::FromFile(*dll);
  ASSERT_TRUE(image.ok()) << image.status();
  absl::StatusOr<std::string> md = image->Metadata();
  ASSERT_TRUE(md.ok()) << md.status();
  absl::StatusOr<PortablePdb> pdb = PortablePdb::FromBytes(*md);
  EXPECT_TRUE(absl::IsInvalidArgument(pdb.status())) << pdb.status();
  EXPECT_TRUE(absl::IsNotFound(PortablePdb::FromFile("/nonexistent/x.pdb").status()));
}

}  // namespace
}  // namespace ddcrash::pdb
