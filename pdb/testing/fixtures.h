// Test helper: the .NET fixtures of the PDB reader tests and the System.Reflection.Metadata
// oracle (tests/dotnet/build_pdb_fixtures.sh), found through the runfile of
// //tests/dotnet:build_script (a symlink into the source tree), like dac/testing/dotnet_app.h.
#ifndef DDCRASH_PDB_TESTING_FIXTURES_H_
#define DDCRASH_PDB_TESTING_FIXTURES_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace ddcrash::pdb::testing {

// <source>/tests/dotnet/out-pdb/<relative>, NotFound (saying to run the build script) when absent.
absl::StatusOr<std::string> PdbFixture(const std::string& relative);
// <source>/tests/dotnet/out/testapp/<tfm>/<file> (tests/dotnet/build.sh), NotFound when absent.
absl::StatusOr<std::string> TestAppFile(const std::string& tfm, const std::string& file);

struct OracleSequencePoint {
  uint32_t il_offset, start_line, start_column, end_line, end_column;
  bool hidden;
  std::string document;
};
struct OracleAnswer {  // the runtime's line for one IL offset
  bool found;
  uint32_t line, column;
  std::string document;
};
struct OracleMethod {
  uint32_t token;
  uint32_t il_size;
  std::string name;
  std::vector<OracleSequencePoint> points;
  std::vector<OracleAnswer> answers;  // one per IL offset in [0, il_size)
};
struct OracleDump {
  std::string mvid_hex;
  std::string pdb_id_hex;
  uint32_t entry_point = 0;
  std::vector<OracleMethod> methods;
};

// Runs the oracle on `assembly` with `pdb` (a path, or "embedded") and parses its dump.
absl::StatusOr<OracleDump> RunOracle(const std::string& assembly, const std::string& pdb);

std::string Hex(const uint8_t* bytes, size_t size);

}  // namespace ddcrash::pdb::testing

#endif  // DDCRASH_PDB_TESTING_FIXTURES_H_
