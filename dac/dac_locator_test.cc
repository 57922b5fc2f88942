#include "dac/dac_locator.h"

#include <elf.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "elf/testing/elf_builder.h"

namespace ddcrash::dac {
namespace {

using elf_testing::TestElfBuilder;

std::string TempDir() {
  const char* dir = std::getenv("TEST_TMPDIR");
  return dir != nullptr ? dir : "/tmp";
}

// A small ELF64 file: a GNU build-id note (SHT_NOTE section and PT_NOTE segment) and a .data
// section holding `data` (where runtime binaries keep their version stamp).
std::string MakeElf(const std::string& build_id, const std::string& data) {
  TestElfBuilder elf;
  size_t note = elf.AddSection({.name = ".note.gnu.build-id",
                                .type = SHT_NOTE,
                                .data = TestElfBuilder::Note("GNU", NT_GNU_BUILD_ID, build_id)});
  elf.AddSegmentForSection(PT_NOTE, note);
  elf.AddSection({.name = ".data", .data = data});
  return elf.Build();
}

std::string WriteTemp(const std::string& name, const std::string& bytes) {
  std::string path = TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return path;
}

constexpr char kStamp8[] = "@(#)Version 8.0.3126.42015 @Commit: 1219a42122cf5190c7f512850557e38c422430dc";
constexpr char kStamp9[] = "@(#)Version 9.0.2026.41315 @Commit: 3879076d9a06ce098d37c3882fb1845a6627335b";

RuntimeInfo SharedRuntime(const std::string& dir) {
  RuntimeInfo r;
  r.kind = RuntimeInfo::Kind::kSharedLibrary;
  r.module_path = dir + "/libcoreclr.so";
  r.stamp = *ParseVersionStamp(kStamp8);
  r.version = r.stamp.version;
  return r;
}

TEST(DacLocator, DefaultPathIsBesideTheRuntime) {
  RuntimeInfo r;
  r.module_path = "/opt/app/libcoreclr.so";
  EXPECT_EQ(DefaultDacPath(r), "/opt/app/libmscordaccore.so");
  r.module_path = "/app";
  EXPECT_EQ(DefaultDacPath(r), "/libmscordaccore.so");
}

TEST(DacLocator, AcceptsTheDacWithTheSameVersionStamp) {
  std::string dac = WriteTemp("dac_same", MakeElf("\x01\x02\x03\x04", std::string("xx\0", 3) + kStamp8 + std::string("\0yy", 3)));
  absl::StatusOr<DacLocation> loc = CheckDac(SharedRuntime(TempDir()), dac);
  ASSERT_TRUE(loc.ok()) << loc.status();
  EXPECT_EQ(loc->stamp, kStamp8);
  EXPECT_EQ(loc->build_id, "\x01\x02\x03\x04");
  EXPECT_NE(loc->match.find("version stamp"), std::string::npos);
}

TEST(DacLocator, RejectsADacOfAnotherBuild) {
  std::string dac = WriteTemp("dac_other", MakeElf("\x05\x06\x07\x08", std::string(kStamp9) + '\0'));
  absl::StatusOr<DacLocation> loc = CheckDac(SharedRuntime(TempDir()), dac);
  ASSERT_TRUE(absl::IsFailedPrecondition(loc.status())) << loc.status();
  EXPECT_NE(loc.status().message().find("does not match"), std::string::npos);
  EXPECT_NE(loc.status().message().find("9.0.2026.41315"), std::string::npos);
  EXPECT_NE(loc.status().message().find("8.0.3126.42015"), std::string::npos);
}

TEST(DacLocator, RejectsADacWithoutStamp) {
  std::string dac = WriteTemp("dac_nostamp", MakeElf("\x05\x06", "nothing here"));
  EXPECT_TRUE(absl::IsFailedPrecondition(CheckDac(SharedRuntime(TempDir()), dac).status()));
}

TEST(DacLocator, SingleFileMatchesByBuildId) {
  RuntimeInfo r = SharedRuntime(TempDir());
  r.kind = RuntimeInfo::Kind::kSingleFile;
  r.has_runtime_info = true;
  r.runtime_info.dac_build_id = "\xAA\xBB\xCC\xDD";
  std::string good = WriteTemp("dac_good_id", MakeElf("\xAA\xBB\xCC\xDD", kStamp9));
  absl::StatusOr<DacLocation> loc = CheckDac(r, good);
  ASSERT_TRUE(loc.ok()) << loc.status();
  EXPECT_EQ(loc->match, "build id aabbccdd = DacModuleIndex");
  // Same stamp as the runtime but a different build id: still refused.
  std::string bad = WriteTemp("dac_bad_id", MakeElf("\xAA\xBB\xCC\xDE", kStamp8));
  absl::StatusOr<DacLocation> refused = CheckDac(r, bad);
  ASSERT_TRUE(absl::IsFailedPrecondition(refused.status()));
  EXPECT_NE(refused.status().message().find("aabbccde"), std::string::npos);
  EXPECT_NE(refused.status().message().find("aabbccdd"), std::string::npos);
}

TEST(DacLocator, MissingAndNonElfFiles) {
  EXPECT_TRUE(absl::IsNotFound(CheckDac(SharedRuntime(TempDir()), TempDir() + "/nope.so").status()));
  std::string junk = WriteTemp("dac_junk", "not an elf file, not at all, not even close......");
  EXPECT_TRUE(absl::IsFailedPrecondition(CheckDac(SharedRuntime(TempDir()), junk).status()));
}

TEST(DacLocator, GivenPathOverridesTheDefault) {
  std::string dac = WriteTemp("dac_given", MakeElf("\x01", std::string(kStamp8) + '\0'));
  RuntimeInfo r = SharedRuntime("/nonexistent");
  // No path given: the one beside the runtime, which does not exist.
  absl::StatusOr<DacLocation> beside = LocateDac(r, "", "");
  EXPECT_TRUE(absl::IsNotFound(beside.status())) << beside.status();
  EXPECT_NE(beside.status().message().find("/nonexistent/libmscordaccore.so"), std::string::npos);
  // The environment is not consulted: only the caller's path counts.
  setenv("DDCRASH_DAC_PATH", dac.c_str(), 1);
  EXPECT_TRUE(absl::IsNotFound(LocateDac(r, "", "").status()));
  unsetenv("DDCRASH_DAC_PATH");
  absl::StatusOr<DacLocation> loc = LocateDac(r, dac, "");
  ASSERT_TRUE(loc.ok()) << loc.status();
  EXPECT_EQ(loc->path, dac);
  // A given path is still checked.
  std::string other = WriteTemp("dac_given_other", MakeElf("\x02", std::string(kStamp9) + '\0'));
  EXPECT_TRUE(absl::IsFailedPrecondition(LocateDac(r, other, "").status()));
}

// DDCRASH_DAC_DIR: <dir>/<version>/<DAC build id>/libmscordaccore.so, used only when there is no
// DAC beside the runtime; a single-file runtime's entry is named by its DacModuleIndex, a shared
// runtime's found among the version's entries by its stamp.
TEST(DacLocator, DacDirectoryByVersionAndBuildId) {
  const std::string dir = TempDir() + "/dac_dir";
  auto file = [&](const std::string& id_hex, const std::string& build_id, const std::string& stamp) {
    const std::string entry = dir + "/8.0.31/" + id_hex;
    EXPECT_EQ(system(("mkdir -p '" + entry + "'").c_str()), 0);
    const std::string path = entry + "/libmscordaccore.so";
    std::ofstream(path, std::ios::binary) << MakeElf(build_id, stamp);
    return path;
  };
  const std::string other = file("0102", "\x01\x02", std::string(kStamp9) + '\0');
  const std::string right = file("aabbccdd", "\xAA\xBB\xCC\xDD", std::string(kStamp8) + '\0');
  RuntimeInfo shared = SharedRuntime("/nonexistent");
  EXPECT_EQ(DacDirCandidates(shared, dir), (std::vector<std::string>{other, right}));
  absl::StatusOr<DacLocation> loc = LocateDac(shared, "", dir);
  ASSERT_TRUE(loc.ok()) << loc.status();
  EXPECT_EQ(loc->path, right);
  RuntimeInfo single = shared;
  single.kind = RuntimeInfo::Kind::kSingleFile;
  single.has_runtime_info = true;
  single.runtime_info.dac_build_id = "\xAA\xBB\xCC\xDD";
  EXPECT_EQ(DacDirCandidates(single, dir), (std::vector<std::string>{right}));
  loc = LocateDac(single, "", dir);
  ASSERT_TRUE(loc.ok()) << loc.status();
  EXPECT_EQ(loc->match, "build id aabbccdd = DacModuleIndex");
  // No entry for the build id: NotFound, naming the directory and what was tried.
  single.runtime_info.dac_build_id = "\x0f";
  loc = LocateDac(single, "", dir);
  EXPECT_TRUE(absl::IsNotFound(loc.status())) << loc.status();
  EXPECT_NE(loc.status().message().find("8.0.31/0f/libmscordaccore.so"), std::string::npos);
  // Another version: nothing filed.
  shared.version.patch = 30;
  EXPECT_TRUE(DacDirCandidates(shared, dir).empty());
  EXPECT_TRUE(absl::IsNotFound(LocateDac(shared, "", dir).status()));
}

TEST(DacLocator, ADacSomeoneElseCouldHaveWrittenIsRefusedBeforeItIsRead) {
  std::string dac = WriteTemp("dac_writable", MakeElf("\x01", std::string(kStamp8) + '\0'));
  ASSERT_EQ(chmod(dac.c_str(), 0666), 0);
  absl::StatusOr<DacLocation> loc = CheckDac(SharedRuntime(TempDir()), dac);
  EXPECT_TRUE(absl::IsPermissionDenied(loc.status())) << loc.status();
  EXPECT_NE(loc.status().message().find("is writable by others"), std::string::npos)
      << loc.status();
  EXPECT_NE(loc.status().message().find("it would run as uid"), std::string::npos) << loc.status();
  ASSERT_EQ(chmod(dac.c_str(), 0644), 0);
  EXPECT_TRUE(CheckDac(SharedRuntime(TempDir()), dac).ok());
}

}  // namespace
}  // namespace ddcrash::dac
