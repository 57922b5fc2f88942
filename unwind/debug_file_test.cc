#include "unwind/debug_file.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"
#include "elf/elf_file.h"

namespace ddcrash {
namespace {

constexpr char kStripped[] = "unwind/testdata/fixture_stripped";

TEST(DebugFileTest, Crc32) {
  EXPECT_EQ(DebugLinkCrc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(DebugLinkCrc32(""), 0u);
  EXPECT_EQ(DebugLinkCrc32("6789", DebugLinkCrc32("12345")), 0xCBF43926u);
  EXPECT_FALSE(DebugLinkCrc32OfFile("/nonexistent").ok());
}

TEST(DebugFileTest, CandidatePaths) {
  DebugFileOptions options;
  options.debug_roots = {"/usr/lib/debug"};
  EXPECT_EQ(BuildIdDebugPaths(std::string("\xab\xcd\xef", 3), options),
            std::vector<std::string>{"/usr/lib/debug/.build-id/ab/cdef.debug"});
  EXPECT_TRUE(BuildIdDebugPaths("", options).empty());
  EXPECT_EQ(DebugLinkPaths("/opt/app/bin/app", "app.debug", options),
            (std::vector<std::string>{"/opt/app/bin/app.debug", "/opt/app/bin/.debug/app.debug",
                                      "/usr/lib/debug/opt/app/bin/app.debug"}));
  EXPECT_TRUE(DebugLinkPaths("/opt/app", "../evil", options).empty());
}

TEST(DebugFileTest, FindsStrippedFixtureDebugFileThroughDebugLink) {
  absl::StatusOr<std::unique_ptr<ElfFile>> elf = ElfFile::Open(kStripped);
  ASSERT_TRUE(elf.ok());
  DebugFileOptions options;
  options.debug_roots = {};
  absl::StatusOr<std::unique_ptr<ElfFile>> debug = OpenSeparateDebugFile(**elf, kStripped, options);
  ASSERT_TRUE(debug.ok()) << debug.status();
  EXPECT_EQ((*debug)->BuildId(), (*elf)->BuildId());
  EXPECT_TRUE((*debug)->ReadSymbols(SymbolTableKind::kSymtab).ok());
}

TEST(DebugFileTest, FindsDebugFileByBuildIdUnderARoot) {
  absl::StatusOr<std::unique_ptr<ElfFile>> elf = ElfFile::Open(kStripped);
  ASSERT_TRUE(elf.ok());
  const char* tmp = getenv("TEST_TMPDIR");
  std::string root = std::string(tmp != nullptr ? tmp : "/tmp") + "/debugroot";
  std::string hex = absl::BytesToHexString((*elf)->BuildId());
  std::string dir = root + "/.build-id/" + hex.substr(0, 2);
  ASSERT_EQ(system(("mkdir -p " + dir).c_str()), 0);
  {
    std::ifstream in(std::string(kStripped) + ".debug", std::ios::binary);
    std::ofstream out(dir + "/" + hex.substr(2) + ".debug", std::ios::binary);
    out << in.rdbuf();
  }
  // Moved away from its debuglink location: only the build-id root can find it.
  DebugFileOptions options;
  options.debug_roots = {root};
  absl::StatusOr<std::unique_ptr<ElfFile>> debug =
      OpenSeparateDebugFile(**elf, "/elsewhere/fixture_stripped", options);
  ASSERT_TRUE(debug.ok()) << debug.status();
  EXPECT_EQ((*debug)->path(), dir + "/" + hex.substr(2) + ".debug");
}

// A target in another mount namespace: the global debug root is the target's /usr/lib/debug,
// under its root, and so is the debuglink's directory.
TEST(DebugFileTest, LooksUnderTheTargetsRoot) {
  absl::StatusOr<std::unique_ptr<ElfFile>> elf = ElfFile::Open(kStripped);
  ASSERT_TRUE(elf.ok());
  const char* tmp = getenv("TEST_TMPDIR");
  const std::string root = std::string(tmp != nullptr ? tmp : "/tmp") + "/target_root";
  const std::string hex = absl::BytesToHexString((*elf)->BuildId());
  const std::string dir = root + "/usr/lib/debug/.build-id/" + hex.substr(0, 2);
  ASSERT_EQ(system(("mkdir -p " + dir + " " + root + "/opt/app").c_str()), 0);
  const std::string debug_copy = dir + "/" + hex.substr(2) + ".debug";
  {
    std::ifstream in(std::string(kStripped) + ".debug", std::ios::binary);
    std::ofstream out(debug_copy, std::ios::binary);
    out << in.rdbuf();
  }
  absl::StatusOr<std::unique_ptr<ElfFile>> debug = OpenSeparateDebugFile(
      **elf, "/opt/app/fixture_stripped", DebugFileOptions(), TargetFiles::UnderRoot(root));
  ASSERT_TRUE(debug.ok()) << debug.status();
  EXPECT_EQ((*debug)->path(), debug_copy);
  // By debuglink only: beside the target's path of the file.
  ASSERT_EQ(rename(debug_copy.c_str(), (root + "/opt/app/fixture_stripped.debug").c_str()), 0);
  debug = OpenSeparateDebugFile(**elf, "/opt/app/fixture_stripped", DebugFileOptions(),
                                TargetFiles::UnderRoot(root));
  ASSERT_TRUE(debug.ok()) << debug.status();
  EXPECT_EQ((*debug)->path(), root + "/opt/app/fixture_stripped.debug");
}

TEST(DebugFileTest, WrongCrcIsRejected) {
  const char* tmp = getenv("TEST_TMPDIR");
  std::string dir = std::string(tmp != nullptr ? tmp : "/tmp") + "/crc";
  ASSERT_EQ(system(("mkdir -p " + dir).c_str()), 0);
  ASSERT_EQ(system(("cp " + std::string(kStripped) + " " + dir + "/app").c_str()), 0);
  std::ofstream(dir + "/fixture_stripped.debug") << "not the debug file";
  absl::StatusOr<std::unique_ptr<ElfFile>> elf = ElfFile::Open(dir + "/app");
  ASSERT_TRUE(elf.ok());
  DebugFileOptions options;
  options.debug_roots = {};
  EXPECT_EQ(OpenSeparateDebugFile(**elf, dir + "/app", options).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(DebugFileTest, SystemLibcDebugFileByBuildId) {
  absl::StatusOr<std::unique_ptr<ElfFile>> libc = ElfFile::Open("/lib/x86_64-linux-gnu/libc.so.6");
  ASSERT_TRUE(libc.ok());
  // libc6-dbg (installed by setup.sh) provides it; without it this test fails.
  struct stat st;
  std::string path = BuildIdDebugPaths((*libc)->BuildId(), DebugFileOptions())[0];
  ASSERT_EQ(stat(path.c_str(), &st), 0) << "libc6-dbg not installed (run ./setup.sh): " << path;
  absl::StatusOr<std::unique_ptr<ElfFile>> debug =
      OpenSeparateDebugFile(**libc, "/lib/x86_64-linux-gnu/libc.so.6", DebugFileOptions());
  ASSERT_TRUE(debug.ok()) << debug.status();
  absl::StatusOr<std::vector<ElfSymbol>> symtab = (*debug)->ReadSymbols(SymbolTableKind::kSymtab);
  ASSERT_TRUE(symtab.ok());
  EXPECT_GT(symtab->size(), 1000u);
}

}  // namespace
}  // namespace ddcrash
