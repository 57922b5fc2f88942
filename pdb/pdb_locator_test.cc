// Finding the PDB of real assemblies: beside, embedded, missing, rebuilt (mismatched id),
// corrupt (truncated, bit flips).
#include "pdb/pdb_locator.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "pdb/testing/fixtures.h"

namespace ddcrash::pdb {
namespace {

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void Write(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// A fresh directory holding `dll` and optionally `pdb_bytes` as Ddcrash.PdbSample.pdb.
std::string Stage(const std::string& name, const std::string& dll_bytes,
                  const std::string* pdb_bytes) {
  std::string dir = absl::StrCat(getenv("TEST_TMPDIR"), "/", name);
  mkdir(dir.c_str(), 0755);
  Write(dir + "/Ddcrash.PdbSample.dll", dll_bytes);
  std::string pdb = dir + "/Ddcrash.PdbSample.pdb";
  unlink(pdb.c_str());
  if (pdb_bytes != nullptr) Write(pdb, *pdb_bytes);
  return dir + "/Ddcrash.PdbSample.dll";
}

struct Fixture {
  std::string dll, pdb, rebuilt_pdb;
};

Fixture Load() {
  absl::StatusOr<std::string> dll = testing::PdbFixture("portable/Ddcrash.PdbSample.dll");
  absl::StatusOr<std::string> pdb = testing::PdbFixture("portable/Ddcrash.PdbSample.pdb");
  absl::StatusOr<std::string> rebuilt = testing::PdbFixture("rebuilt/Ddcrash.PdbSample.pdb");
  EXPECT_TRUE(dll.ok() && pdb.ok() && rebuilt.ok())
      << dll.status() << pdb.status() << rebuilt.status();
  if (!dll.ok() || !pdb.ok() || !rebuilt.ok()) return {};
  return Fixture{Read(*dll), Read(*pdb), Read(*rebuilt)};
}

TEST(PdbLocatorTest, FindsThePdbBesideTheAssemblyByTheCodeViewFileName) {
  for (const char* tfm : {"net8.0", "net9.0", "net10.0"}) {
    absl::StatusOr<std::string> dll = testing::TestAppFile(tfm, "Ddcrash.TestApp.dll");
    ASSERT_TRUE(dll.ok()) << dll.status();
    LocatedPdb located = LocatePdb(*dll);
    ASSERT_TRUE(located.status.ok()) << located.status;
    EXPECT_EQ(located.origin, PdbOrigin::kBesideAssembly);
    EXPECT_TRUE(absl::EndsWith(located.pdb_path, "/Ddcrash.TestApp.pdb")) << located.pdb_path;
    EXPECT_TRUE(absl::EndsWith(located.codeview_path, "Ddcrash.TestApp.pdb"))
        << located.codeview_path;
    ASSERT_TRUE(located.mvid.has_value());
    ASSERT_TRUE(located.expected_pdb_id.has_value());
    EXPECT_EQ(located.pdb->id(), *located.expected_pdb_id);
  }
}

// A single-file app's assembly and PDB, bundled: read from their ranges of the executable,
// under names that exist nowhere on disk; the PDB beside the name when it is not bundled.
TEST(PdbLocatorTest, ReadsBundledAssembliesAndPdbsFromTheirRanges) {
  Fixture f = Load();
  const std::string exe = absl::StrCat(getenv("TEST_TMPDIR"), "/bundle_exe");
  Write(exe, std::string(100, 'h') + f.dll + std::string(3, 'p') + f.pdb + "m");
  const std::string dll_name = "/nonexistent/app/Ddcrash.PdbSample.dll";
  const std::string pdb_name = "/nonexistent/app/Ddcrash.PdbSample.pdb";
  BundledFiles bundled = {{dll_name, {exe, 100, f.dll.size()}},
                          {pdb_name, {exe, 103 + f.dll.size(), f.pdb.size()}}};
  LocatedPdb located = LocatePdb(dll_name, {bundled, nullptr});
  ASSERT_TRUE(located.status.ok()) << located.status;
  EXPECT_EQ(located.origin, PdbOrigin::kBesideAssembly);
  EXPECT_EQ(located.pdb_path, pdb_name);
  ASSERT_TRUE(located.mvid.has_value());
  EXPECT_EQ(located.pdb->id(), *located.expected_pdb_id);

  // Not bundled: looked for beside the name on disk, and the message says where.
  bundled.erase(pdb_name);
  located = LocatePdb(dll_name, {bundled, nullptr});
  EXPECT_TRUE(absl::IsNotFound(located.status)) << located.status;
  EXPECT_TRUE(absl::StrContains(located.status.message(), pdb_name)) << located.status;
  EXPECT_TRUE(located.mvid.has_value());

  // A range past the executable's end: the assembly cannot be read, and it says so.
  bundled[dll_name].size = 200 + f.dll.size() + f.pdb.size();
  located = PdbLocator({bundled, nullptr}).Locate(dll_name);
  EXPECT_FALSE(located.status.ok());
  EXPECT_FALSE(located.mvid.has_value());
}

// A target in another mount namespace: the assembly and its PDB are opened at the paths the
// target's view gives, and named as the target names them.
TEST(PdbLocatorTest, OpensTheTargetsPathsThroughItsView) {
  Fixture f = Load();
  const std::string root = absl::StrCat(getenv("TEST_TMPDIR"), "/target_root");
  mkdir(root.c_str(), 0755);
  mkdir((root + "/app").c_str(), 0755);
  Write(root + "/app/Ddcrash.PdbSample.dll", f.dll);
  Write(root + "/app/Ddcrash.PdbSample.pdb", f.pdb);
  AssemblyFiles files;
  files.openable = [&](const std::string& path) -> absl::StatusOr<std::string> {
    return root + path;
  };
  LocatedPdb located = LocatePdb("/app/Ddcrash.PdbSample.dll", files);
  ASSERT_TRUE(located.status.ok()) << located.status;
  EXPECT_EQ(located.pdb_path, "/app/Ddcrash.PdbSample.pdb");
  files.openable = [](const std::string& path) -> absl::StatusOr<std::string> {
    return absl::NotFoundError(absl::StrCat("no ", path, " in the target's view"));
  };
  located = LocatePdb("/app/Ddcrash.PdbSample.dll", files);
  EXPECT_TRUE(absl::IsNotFound(located.status)) << located.status;
}

TEST(PdbLocatorTest, PrefersTheEmbeddedPdb) {
  absl::StatusOr<std::string> dll = testing::PdbFixture("embedded/Ddcrash.PdbSample.dll");
  ASSERT_TRUE(dll.ok()) << dll.status();
  LocatedPdb located = LocatePdb(*dll);
  ASSERT_TRUE(located.status.ok()) << located.status;
  EXPECT_EQ(located.origin, PdbOrigin::kEmbedded);
  EXPECT_EQ(located.pdb_path, "");
  EXPECT_EQ(located.pdb->id(), *located.expected_pdb_id);
}

TEST(PdbLocatorTest, MissingPdbIsNotFoundAndSaysWhere) {
  Fixture f = Load();
  std::string dll = Stage("missing", f.dll, nullptr);
  LocatedPdb located = LocatePdb(dll);
  EXPECT_TRUE(absl::IsNotFound(located.status)) << located.status;
  EXPECT_EQ(located.pdb, nullptr);
  EXPECT_TRUE(absl::StrContains(located.status.message(), "Ddcrash.PdbSample.pdb"))
      << located.status;
  EXPECT_TRUE(located.mvid.has_value());  // the module is still identified
}

TEST(PdbLocatorTest, RebuiltPdbIsRefusedAsMismatched) {
  Fixture f = Load();
  std::string dll = Stage("mismatched", f.dll, &f.rebuilt_pdb);
  LocatedPdb located = LocatePdb(dll);
  EXPECT_TRUE(absl::IsFailedPrecondition(located.status)) << located.status;
  EXPECT_EQ(located.pdb, nullptr);
  EXPECT_TRUE(absl::StrContains(located.status.message(), "expects")) << located.status;
}

TEST(PdbLocatorTest, TruncatedPdbIsCorrupt) {
  Fixture f = Load();
  for (size_t size : {size_t{0}, size_t{3}, size_t{40}, f.pdb.size() / 2, f.pdb.size() - 1}) {
    std::string truncated = f.pdb.substr(0, size);
    std::string dll = Stage("truncated", f.dll, &truncated);
    LocatedPdb located = LocatePdb(dll);
    EXPECT_TRUE(absl::IsDataLoss(located.status)) << size << ": " << located.status;
    EXPECT_EQ(located.pdb, nullptr);
  }
}

TEST(PdbLocatorTest, BitFlipsNeverCrashAndNeverGiveAnotherPdb) {
  Fixture f = Load();
  size_t accepted = 0;
  for (size_t i = 0; i < f.pdb.size(); i += 7) {
    std::string flipped = f.pdb;
    flipped[i] = static_cast<char>(flipped[i] ^ (1 << (i % 8)));
    std::string dll = Stage("flipped", f.dll, &flipped);
    LocatedPdb located = LocatePdb(dll);
    if (!located.status.ok()) {
      EXPECT_TRUE(absl::IsDataLoss(located.status) || absl::IsFailedPrecondition(located.status))
          << i << ": " << located.status;
      continue;
    }
    ++accepted;
    // Accepted only with the expected id; every lookup answers or fails cleanly.
    EXPECT_EQ(located.pdb->id(), *located.expected_pdb_id);
    for (uint32_t row = 1; row <= located.pdb->method_count(); ++row) {
      (void)located.pdb->Lookup(0x06000000 | row, 5);
    }
  }
  std::printf("%zu of %zu flipped PDBs still parse (flips in unread bytes)\n", accepted,
              (f.pdb.size() + 6) / 7);
}

TEST(PdbLocatorTest, CorruptAssemblyIsDataLossAndMissingOneNotFound) {
  Fixture f = Load();
  std::string dll = Stage("corrupt_assembly", f.dll.substr(0, 200), &f.pdb);
  EXPECT_TRUE(absl::IsDataLoss(LocatePdb(dll).status));
  EXPECT_TRUE(absl::IsNotFound(LocatePdb("/nonexistent/App.dll").status));
}

TEST(PdbLocatorTest, CachesPerAssemblyPath) {
  absl::StatusOr<std::string> dll = testing::PdbFixture("portable/Ddcrash.PdbSample.dll");
  ASSERT_TRUE(dll.ok()) << dll.status();
  PdbLocator locator;
  const LocatedPdb& first = locator.Locate(*dll);
  const LocatedPdb& second = locator.Locate(*dll);
  EXPECT_EQ(&first, &second);
  ASSERT_TRUE(first.status.ok()) << first.status;
  EXPECT_EQ(first.origin, PdbOrigin::kBesideAssembly);
}

}  // namespace
}  // namespace ddcrash::pdb
