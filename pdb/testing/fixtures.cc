#include "pdb/testing/fixtures.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <climits>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace ddcrash::pdb::testing {
namespace {

absl::StatusOr<std::string> DotnetSourceDir() {
  const char* srcdir = getenv("TEST_SRCDIR");
  const char* workspace = getenv("TEST_WORKSPACE");
  if (srcdir == nullptr) return absl::FailedPreconditionError("TEST_SRCDIR is not set");
  std::string runfile = absl::StrCat(srcdir, "/", workspace != nullptr ? workspace : "ddcrash",
                                     "/tests/dotnet/build.sh");
  char resolved[PATH_MAX];
  if (realpath(runfile.c_str(), resolved) == nullptr) {
    return absl::NotFoundError(absl::StrCat("cannot resolve ", runfile,
                                            ": depend on //tests/dotnet:build_script"));
  }
  std::string script(resolved);
  return script.substr(0, script.find_last_of('/'));
}

absl::StatusOr<std::string> Existing(const std::string& path, const char* build) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    return absl::NotFoundError(absl::StrCat(path, " is missing: run ", build, " first"));
  }
  return path;
}

uint32_t Number(absl::string_view text, int base = 10) {
  uint32_t value = 0;
  bool ok = base == 16 ? absl::SimpleHexAtoi(text, &value) : absl::SimpleAtoi(text, &value);
  return ok ? value : ~0u;
}

}  // namespace

std::string Hex(const uint8_t* bytes, size_t size) {
  std::string out;
  for (size_t i = 0; i < size; ++i) absl::StrAppendFormat(&out, "%02x", bytes[i]);
  return out;
}

absl::StatusOr<std::string> PdbFixture(const std::string& relative) {
  absl::StatusOr<std::string> dir = DotnetSourceDir();
  if (!dir.ok()) return dir.status();
  return Existing(absl::StrCat(*dir, "/out-pdb/", relative), "tests/dotnet/build_pdb_fixtures.sh");
}

absl::StatusOr<std::string> TestAppFile(const std::string& tfm, const std::string& file) {
  absl::StatusOr<std::string> dir = DotnetSourceDir();
  if (!dir.ok()) return dir.status();
  return Existing(absl::StrCat(*dir, "/out/testapp/", tfm, "/", file), "tests/dotnet/build.sh");
}

absl::StatusOr<OracleDump> RunOracle(const std::string& assembly, const std::string& pdb) {
  absl::StatusOr<std::string> oracle = PdbFixture("oracle/PdbOracle.dll");
  if (!oracle.ok()) return oracle.status();
  std::string command = absl::StrCat("dotnet '", *oracle, "' '", assembly, "' '", pdb, "'");
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return absl::InternalError("popen failed");
  std::string text;
  char buffer[65536];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) text.append(buffer, n);
  int status = pclose(pipe);
  if (status != 0) {
    return absl::InternalError(absl::StrCat("oracle failed (status ", status, "): ", command));
  }
  OracleDump dump;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    std::vector<absl::string_view> f = absl::StrSplit(line, ' ');
    auto rest = [&](size_t from) {  // the document (may hold spaces): everything after field `from`
      std::vector<absl::string_view> g = absl::StrSplit(line, absl::MaxSplits(' ', from));
      return g.size() > from ? std::string(g[from]) : std::string();
    };
    if (f[0] == "mvid" && f.size() == 2) {
      dump.mvid_hex = std::string(f[1]);
    } else if (f[0] == "pdbid" && f.size() == 2) {
      dump.pdb_id_hex = std::string(f[1]);
    } else if (f[0] == "entry" && f.size() == 2) {
      dump.entry_point = Number(f[1], 16);
    } else if (f[0] == "method" && f.size() >= 4) {
      dump.methods.push_back(OracleMethod{Number(f[1], 16), Number(f[2]), rest(3), {}, {}});
    } else if (f[0] == "sp" && f.size() >= 9 && !dump.methods.empty()) {
      dump.methods.back().points.push_back(OracleSequencePoint{
          Number(f[2]), Number(f[3]), Number(f[4]), Number(f[5]), Number(f[6]), f[7] == "1",
          rest(8)});
    } else if (f[0] == "at" && f.size() >= 4 && !dump.methods.empty()) {
      if (f[3] == "none") {
        dump.methods.back().answers.push_back(OracleAnswer{false, 0, 0, ""});
      } else {
        dump.methods.back().answers.push_back(
            OracleAnswer{true, Number(f[3]), Number(f[4]), rest(5)});
      }
    } else {
      return absl::InternalError(absl::StrCat("oracle: unexpected line: ", line));
    }
  }
  if (dump.methods.empty()) return absl::InternalError("oracle printed no methods");
  return dump;
}

}  // namespace ddcrash::pdb::testing
