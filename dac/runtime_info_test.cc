#include "dac/runtime_info.h"

#include <cstring>
#include <vector>

#include "gtest/gtest.h"
#include "ptrace/fake_process_memory.h"

namespace ddcrash::dac {
namespace {

std::vector<uint8_t> RuntimeInfoBytes(int version, std::string runtime_id, std::string dac_id) {
  std::vector<uint8_t> b(kDotNetRuntimeInfoV2Size, 0);
  std::memcpy(b.data(), "DotNetRuntimeInfo", 18);
  std::memcpy(b.data() + 20, &version, 4);
  b[24] = static_cast<uint8_t>(runtime_id.size());
  std::memcpy(b.data() + 25, runtime_id.data(), runtime_id.size());
  b[48] = static_cast<uint8_t>(dac_id.size());
  std::memcpy(b.data() + 49, dac_id.data(), dac_id.size());
  int32_t v[4] = {9, 0, 20, 0};
  std::memcpy(b.data() + 96, v, sizeof(v));
  return b;
}

TEST(ParseDotNetRuntimeInfo, Version2) {
  absl::StatusOr<DotNetRuntimeInfoData> d =
      ParseDotNetRuntimeInfo(RuntimeInfoBytes(2, std::string(20, '\x11'), std::string(20, '\x22')));
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->version, 2);
  EXPECT_EQ(d->runtime_build_id, std::string(20, '\x11'));
  EXPECT_EQ(d->dac_build_id, std::string(20, '\x22'));
  EXPECT_EQ(d->dbi_build_id, "");
  ASSERT_TRUE(d->has_runtime_version);
  EXPECT_EQ(d->runtime_version.ToString(), "9.0.20");
}

TEST(ParseDotNetRuntimeInfo, Version1HasNoRuntimeVersion) {
  std::vector<uint8_t> b = RuntimeInfoBytes(1, "abc", "def");
  b.resize(kDotNetRuntimeInfoV1Size);
  absl::StatusOr<DotNetRuntimeInfoData> d = ParseDotNetRuntimeInfo(b);
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->has_runtime_version);
  EXPECT_EQ(d->dac_build_id, "def");
}

TEST(ParseDotNetRuntimeInfo, RejectsGarbage) {
  std::vector<uint8_t> b = RuntimeInfoBytes(2, "a", "b");
  EXPECT_FALSE(ParseDotNetRuntimeInfo(absl::MakeConstSpan(b.data(), 50)).ok());
  std::vector<uint8_t> bad_sig = b;
  bad_sig[0] = 'X';
  EXPECT_FALSE(ParseDotNetRuntimeInfo(bad_sig).ok());
  std::vector<uint8_t> bad_version = RuntimeInfoBytes(-5, "a", "b");
  EXPECT_FALSE(ParseDotNetRuntimeInfo(bad_version).ok());
  // A length byte larger than the field is treated as "no id", never read past it.
  std::vector<uint8_t> long_len = b;
  long_len[48] = 200;
  absl::StatusOr<DotNetRuntimeInfoData> d = ParseDotNetRuntimeInfo(long_len);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->dac_build_id, "");
}

TEST(ParseVersionStamp, RealStamps) {
  absl::StatusOr<VersionStamp> s = ParseVersionStamp(
      "@(#)Version 8.0.3126.42015 @Commit: 1219a42122cf5190c7f512850557e38c422430dc");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->file_version, "8.0.3126.42015");
  EXPECT_EQ(s->commit, "1219a42122cf5190c7f512850557e38c422430dc");
  EXPECT_EQ(s->version.ToString(), "8.0.31");
  s = ParseVersionStamp("@(#)Version 10.0.1226.42308 @Commit: 95017c711e");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->version.ToString(), "10.0.12");
  s = ParseVersionStamp("@(#)Version 9.0.2026.41315");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->commit, "");
  EXPECT_EQ(s->version.ToString(), "9.0.20");
}

TEST(ParseVersionStamp, RejectsGarbage) {
  EXPECT_FALSE(ParseVersionStamp("Version 8.0.1").ok());
  EXPECT_FALSE(ParseVersionStamp("@(#)Version 8.0").ok());
  EXPECT_FALSE(ParseVersionStamp("@(#)Version a.b.c.d").ok());
  EXPECT_FALSE(ParseVersionStamp("").ok());
}

TEST(FindRuntime, NoRuntimeIsNotFound) {
  FakeProcessMemory memory;
  LoadedModule libc;
  libc.path = "/lib/x86_64-linux-gnu/libc.so.6";
  libc.kind = ModuleKind::kElf;
  libc.base = 0x1000;
  LoadedModule pe;
  pe.path = "/app/libcoreclr.so";  // right name, but not an ELF module
  pe.kind = ModuleKind::kOtherFile;
  std::vector<LoadedModule> modules = {libc, pe};
  absl::StatusOr<RuntimeInfo> info = FindRuntime(modules, memory);
  EXPECT_TRUE(absl::IsNotFound(info.status())) << info.status();
}

TEST(FindRuntime, UnreadableRuntimeImageIsAClearError) {
  FakeProcessMemory memory;  // nothing readable
  LoadedModule coreclr;
  coreclr.path = "/nonexistent/libcoreclr.so";
  coreclr.kind = ModuleKind::kElf;
  coreclr.base = 0x7f0000000000;
  std::vector<LoadedModule> modules = {coreclr};
  absl::StatusOr<RuntimeInfo> info = FindRuntime(modules, memory);
  EXPECT_TRUE(absl::IsFailedPrecondition(info.status())) << info.status();
}

}  // namespace
}  // namespace ddcrash::dac
