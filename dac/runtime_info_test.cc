#include "dac/runtime_info.h"

#include <elf.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <vector>

#include "absl/strings/escaping.h"
#include "gtest/gtest.h"
#include "ptrace/fake_process_memory.h"
#include "elf/elf_file.h"
#include "elf/testing/elf_builder.h"
#include "ptrace/module_map_builder.h"

namespace ddcrash::dac {
namespace {

using elf_testing::TestElfBuilder;

std::vector<uint8_t> RuntimeInfoBytes(int version, std::string runtime_id, std::string dac_id) {
  std::vector<uint8_t> b(kDotNetRuntimeInfoV2Size, 0);
  std::memcpy(b.data(), "DotNetRuntimeInfo", 18);
  std::memcpy(b.data() + 20, &version, 4);
  b[24] = static_cast<uint8_t>(runtime_id.size());
  std::memcpy(b.data() + 25, runtime_id.data(), runtime_id.size());
  b[48] = static_cast<uint8_t>(dac_id.size());
  std::memcpy(b.data() + 49, dac_id.data(), dac_id.size());
  int32_t v[4] = {9, 0, 2026, 41315};  // the file version, as 9.0.20's single-file host has it
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

constexpr char kStamp8[] =
    "@(#)Version 8.0.3126.42015 @Commit: 1219a42122cf5190c7f512850557e38c422430dc";

std::string WriteTemp(const std::string& name, const std::string& bytes) {
  const char* dir = std::getenv("TEST_TMPDIR");
  std::string path = std::string(dir != nullptr ? dir : "/tmp") + "/" + name;
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return path;
}

std::unique_ptr<ElfFile> Parse(const std::string& bytes) {
  absl::StatusOr<std::unique_ptr<ElfFile>> elf = ElfFile::FromBytes(bytes);
  EXPECT_TRUE(elf.ok()) << elf.status();
  return elf.ok() ? *std::move(elf) : nullptr;
}

std::string ElfWithSections(const std::string& data, const std::string& rodata) {
  TestElfBuilder elf;
  if (!rodata.empty()) elf.AddSection({.name = ".rodata", .data = rodata});
  if (!data.empty()) elf.AddSection({.name = ".data", .data = data});
  return elf.Build();
}

TEST(FindVersionStamp, InDataThenRodata) {
  const std::string stamp = kStamp8;
  std::unique_ptr<ElfFile> in_data =
      Parse(ElfWithSections(std::string("ab\0", 3) + stamp + std::string("\0cd", 3), ""));
  ASSERT_NE(in_data, nullptr);
  absl::StatusOr<std::string> found = FindVersionStamp(*in_data);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(*found, stamp);

  std::unique_ptr<ElfFile> in_rodata = Parse(ElfWithSections("no stamp", stamp + '\0'));
  ASSERT_NE(in_rodata, nullptr);
  found = FindVersionStamp(*in_rodata);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(*found, stamp);

  // .data wins over .rodata.
  std::unique_ptr<ElfFile> both =
      Parse(ElfWithSections(stamp + '\0', "@(#)Version 9.0.2026.41315" + std::string(1, '\0')));
  ASSERT_NE(both, nullptr);
  found = FindVersionStamp(*both);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(*found, stamp);
}

TEST(FindVersionStamp, MissingOrUnterminated) {
  std::unique_ptr<ElfFile> none = Parse(ElfWithSections("nothing", "here either"));
  ASSERT_NE(none, nullptr);
  EXPECT_TRUE(absl::IsNotFound(FindVersionStamp(*none).status()));
  std::unique_ptr<ElfFile> no_sections = Parse(TestElfBuilder().Build());
  ASSERT_NE(no_sections, nullptr);
  EXPECT_TRUE(absl::IsNotFound(FindVersionStamp(*no_sections).status()));
  // Unterminated at the end of the section, and longer than kMaxVersionStampLength.
  std::unique_ptr<ElfFile> unterminated = Parse(ElfWithSections(kStamp8, ""));
  ASSERT_NE(unterminated, nullptr);
  EXPECT_TRUE(absl::IsInvalidArgument(FindVersionStamp(*unterminated).status()));
  std::unique_ptr<ElfFile> too_long = Parse(ElfWithSections(
      std::string(kVersionStampPrefix) + std::string(kMaxVersionStampLength, '9') + '\0', ""));
  ASSERT_NE(too_long, nullptr);
  EXPECT_TRUE(absl::IsInvalidArgument(FindVersionStamp(*too_long).status()));
}

TEST(FindVersionStamp, TruncatedCopiesGiveTheStampOrAnError) {
  std::string bytes = ElfWithSections(std::string(kStamp8) + '\0', "rodata");
  int parsed = 0;
  for (size_t n = 0; n < bytes.size(); ++n) {
    absl::StatusOr<std::unique_ptr<ElfFile>> cut = ElfFile::FromBytes(bytes.substr(0, n));
    if (!cut.ok()) continue;
    ++parsed;
    SCOPED_TRACE(n);
    // The section table comes last: a truncated copy that parses has lost it, so it has no
    // sections and no stamp (never a partial one).
    EXPECT_TRUE((*cut)->sections().empty());
    EXPECT_TRUE(absl::IsNotFound(FindVersionStamp(**cut).status()));
  }
  EXPECT_GT(parsed, 0);  // from the header on, truncated copies parse without sections
  absl::StatusOr<std::unique_ptr<ElfFile>> whole = ElfFile::FromBytes(bytes);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(FindVersionStamp(**whole).value_or(""), kStamp8);
}

// A runtime-like ELF image whose virtual addresses equal its file offsets, so that mapped
// whole at `base` its load bias is `base`: a GNU build-id note (PT_NOTE, inside a PT_LOAD that
// covers file offset 0), a .data section holding `data`, and, when `export_runtime_info`, a
// .dynsym exporting DotNetRuntimeInfo at the start of .data.
std::string RuntimeImage(const std::string& build_id, const std::string& data,
                         bool export_runtime_info) {
  auto build = [&](uint64_t note_addr, uint64_t data_addr) {
    TestElfBuilder elf;
    size_t note = elf.AddSection({.name = ".note.gnu.build-id",
                                  .type = SHT_NOTE,
                                  .data = TestElfBuilder::Note("GNU", NT_GNU_BUILD_ID, build_id),
                                  .addr = note_addr});
    elf.AddSegmentForSection(PT_LOAD, note);
    elf.AddSegmentForSection(PT_NOTE, note);
    elf.AddSection({.name = ".data", .data = data, .addr = data_addr});
    if (export_runtime_info) {
      size_t dynstr = elf.AddSection({.name = ".dynstr",
                                      .type = SHT_STRTAB,
                                      .data = std::string("\0DotNetRuntimeInfo\0", 19)});
      Elf64_Sym syms[2] = {};
      syms[1].st_name = 1;
      syms[1].st_info = ELF64_ST_INFO(STB_GLOBAL, STT_OBJECT);
      syms[1].st_shndx = 2;  // .data
      syms[1].st_value = data_addr;
      syms[1].st_size = kDotNetRuntimeInfoV2Size;
      elf.AddSection({.name = ".dynsym",
                      .type = SHT_DYNSYM,
                      .data = std::string(reinterpret_cast<const char*>(syms), sizeof(syms)),
                      .link = static_cast<uint32_t>(dynstr),
                      .entsize = sizeof(Elf64_Sym)});
    }
    return elf.Build();
  };
  // The layout does not depend on the addresses: build once to learn the offsets.
  std::unique_ptr<ElfFile> first = Parse(build(0, 0));
  if (first == nullptr) return "";
  return build(first->FindSection(".note.gnu.build-id")->offset,
               first->FindSection(".data")->offset);
}

// The module map of `image` mapped whole at `base` from the file at `path`: its facts (kind,
// load bias, build id) come from BuildModuleMap, as in a real capture.
LoadedModule ElfModule(const std::string& path, uint64_t base, size_t size,
                       ProcessMemory& memory) {
  Mapping mapping;
  mapping.start = base;
  mapping.end = base + (size + 0xfff) / 0x1000 * 0x1000;
  mapping.readable = true;
  mapping.executable = true;
  mapping.inode = 1;
  mapping.path = path;
  ModuleMap map = BuildModuleMap({mapping}, memory);
  EXPECT_EQ(map.modules().size(), 1u);
  return map.modules().empty() ? LoadedModule() : map.modules()[0];
}

TEST(FindRuntime, SharedLibraryIdentifiedFromMemoryAndFile) {
  const std::string id("\x12\x34\x56\x78\x9a\xbc\xde\xf0", 8);
  std::string image = RuntimeImage(id, std::string("x\0", 2) + kStamp8 + '\0', false);
  ASSERT_FALSE(image.empty());
  std::string path = WriteTemp("libcoreclr.so", image);
  constexpr uint64_t kBase = 0x7f1200000000;
  FakeProcessMemory memory;
  memory.AddRegion(kBase, image);
  std::vector<LoadedModule> modules = {ElfModule(path, kBase, image.size(), memory)};
  EXPECT_EQ(modules[0].load_bias, kBase);
  absl::StatusOr<RuntimeInfo> info = FindRuntime(modules, memory);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->kind, RuntimeInfo::Kind::kSharedLibrary);
  EXPECT_EQ(info->module_path, path);
  EXPECT_EQ(info->module_base, kBase);
  EXPECT_EQ(info->build_id, id);
  EXPECT_FALSE(info->has_runtime_info);
  EXPECT_EQ(info->stamp.text, kStamp8);
  EXPECT_EQ(info->version.ToString(), "8.0.31");
}

TEST(FindRuntime, RefusesAFileThatIsNotTheMappedImage) {
  std::string mapped = RuntimeImage(std::string("\xaa\xbb\xcc\xdd", 4), std::string(kStamp8) + '\0', false);
  std::string on_disk = RuntimeImage(std::string("\xaa\xbb\xcc\xde", 4), std::string(kStamp8) + '\0', false);
  ASSERT_FALSE(mapped.empty());
  ASSERT_FALSE(on_disk.empty());
  constexpr uint64_t kBase = 0x7f1300000000;
  FakeProcessMemory memory;
  memory.AddRegion(kBase, mapped);
  std::vector<LoadedModule> modules = {
      ElfModule(WriteTemp("libcoreclr.so", on_disk), kBase, mapped.size(), memory)};
  ASSERT_EQ(modules[0].build_id, "\xaa\xbb\xcc\xdd");  // from memory
  absl::StatusOr<RuntimeInfo> info = FindRuntime(modules, memory);
  ASSERT_TRUE(absl::IsFailedPrecondition(info.status())) << info.status();
  EXPECT_NE(info.status().message().find("aabbccdd"), std::string::npos) << info.status();
  EXPECT_NE(info.status().message().find("aabbccde"), std::string::npos) << info.status();
}

TEST(FindRuntime, SingleFileHostExportingDotNetRuntimeInfo) {
  const std::string id("\x01\x02\x03\x04\x05\x06\x07\x08", 8);
  const std::string dac_id(20, '\x22');
  std::vector<uint8_t> runtime_info = RuntimeInfoBytes(2, id, dac_id);
  std::string data(runtime_info.begin(), runtime_info.end());
  std::string image = RuntimeImage(id, data, true);
  ASSERT_FALSE(image.empty());
  std::string path = WriteTemp("singlefileapp", image);
  constexpr uint64_t kBase = 0x5600000000;
  FakeProcessMemory memory;
  memory.AddRegion(kBase, image);
  LoadedModule libc;
  libc.path = "/nonexistent/libc.so.6";
  libc.kind = ModuleKind::kElf;
  LoadedModule app = ElfModule(path, kBase, image.size(), memory);
  std::vector<LoadedModule> modules = {libc, app};
  absl::StatusOr<RuntimeInfo> info = FindRuntime(modules, memory);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->kind, RuntimeInfo::Kind::kSingleFile);
  EXPECT_EQ(info->module_path, path);
  EXPECT_EQ(info->build_id, id);
  ASSERT_TRUE(info->has_runtime_info);
  std::unique_ptr<ElfFile> file = Parse(image);
  ASSERT_NE(file, nullptr);
  EXPECT_EQ(info->runtime_info_address, kBase + file->FindSection(".data")->offset);
  EXPECT_EQ(absl::BytesToHexString(info->runtime_info.dac_build_id), absl::BytesToHexString(dac_id));
  EXPECT_EQ(info->version.ToString(), "9.0.20");  // from DotNetRuntimeInfo (no stamp needed)
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
  EXPECT_NE(info.status().message().find("no build id"), std::string::npos) << info.status();
}

TEST(FindRuntime, UnknownLoadBiasOfASingleFileHostIsAClearError) {
  const std::string id("\x0a\x0b\x0c\x0d", 4);
  std::vector<uint8_t> runtime_info = RuntimeInfoBytes(2, id, std::string(20, '\x22'));
  std::string image = RuntimeImage(id, std::string(runtime_info.begin(), runtime_info.end()), true);
  ASSERT_FALSE(image.empty());
  FakeProcessMemory memory;
  LoadedModule app;
  app.path = WriteTemp("singlefile_nobias", image);
  app.kind = ModuleKind::kElf;
  app.base = 0x5700000000;
  app.end = app.base + image.size();
  app.build_id = id;  // known, but not where the image is loaded
  std::vector<LoadedModule> modules = {app};
  absl::StatusOr<RuntimeInfo> info = FindRuntime(modules, memory);
  EXPECT_TRUE(absl::IsFailedPrecondition(info.status())) << info.status();
  EXPECT_NE(info.status().message().find("load bias"), std::string::npos) << info.status();
}

}  // namespace
}  // namespace ddcrash::dac
