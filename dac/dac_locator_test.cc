#include "dac/dac_locator.h"

#include <elf.h>
#include <stdlib.h>

#include <cstring>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace ddcrash::dac {
namespace {

std::string TempDir() {
  const char* dir = std::getenv("TEST_TMPDIR");
  return dir != nullptr ? dir : "/tmp";
}

// A minimal ELF64 file: header, one PT_NOTE program header, a GNU build-id note, then `tail`
// (no section headers, so string searches scan the whole file).
std::string MakeElf(const std::string& build_id, const std::string& tail) {
  Elf64_Ehdr eh{};
  std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
  eh.e_ident[EI_CLASS] = ELFCLASS64;
  eh.e_ident[EI_DATA] = ELFDATA2LSB;
  eh.e_ident[EI_VERSION] = EV_CURRENT;
  eh.e_type = ET_DYN;
  eh.e_machine = EM_X86_64;
  eh.e_version = EV_CURRENT;
  eh.e_phoff = sizeof(Elf64_Ehdr);
  eh.e_ehsize = sizeof(Elf64_Ehdr);
  eh.e_phentsize = sizeof(Elf64_Phdr);
  eh.e_phnum = 1;
  std::string note;
  Elf64_Nhdr nh{4, static_cast<Elf64_Word>(build_id.size()), NT_GNU_BUILD_ID};
  note.append(reinterpret_cast<const char*>(&nh), sizeof(nh));
  note.append("GNU\0", 4);
  note.append(build_id);
  while (note.size() % 4) note.push_back('\0');
  Elf64_Phdr ph{};
  ph.p_type = PT_NOTE;
  ph.p_offset = sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr);
  ph.p_vaddr = ph.p_offset;
  ph.p_filesz = ph.p_memsz = note.size();
  ph.p_align = 4;
  std::string out(reinterpret_cast<const char*>(&eh), sizeof(eh));
  out.append(reinterpret_cast<const char*>(&ph), sizeof(ph));
  out.append(note);
  out.append(tail);
  return out;
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

TEST(DacLocator, EnvironmentOverride) {
  std::string dac = WriteTemp("dac_env", MakeElf("\x01", std::string(kStamp8) + '\0'));
  RuntimeInfo r = SharedRuntime("/nonexistent");
  EXPECT_TRUE(absl::IsNotFound(LocateDac(r).status()));
  setenv(kDacPathEnv, dac.c_str(), 1);
  absl::StatusOr<DacLocation> loc = LocateDac(r);
  unsetenv(kDacPathEnv);
  ASSERT_TRUE(loc.ok()) << loc.status();
  EXPECT_EQ(loc->path, dac);
}

}  // namespace
}  // namespace ddcrash::dac
