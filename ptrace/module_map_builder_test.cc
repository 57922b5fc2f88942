#include "ptrace/module_map_builder.h"

#include <stdlib.h>
#include <elf.h>
#include <sys/stat.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "bundle/bundle_manifest.h"
#include "bundle/testing/bundle_bytes.h"
#include "gtest/gtest.h"
#include "ptrace/fake_process_memory.h"
#include "elf/testing/elf_builder.h"

namespace ddcrash {
namespace {

using elf_testing::BuildTestElf;

Mapping FileMapping(uint64_t start, uint64_t end, uint64_t offset, const std::string& path,
                    uint64_t inode, bool exec = false) {
  Mapping m;
  m.start = start;
  m.end = end;
  m.file_offset = offset;
  m.readable = true;
  m.executable = exec;
  m.dev_major = 8;
  m.dev_minor = 1;
  m.inode = inode;
  m.path = path;
  return m;
}

Mapping AnonMapping(uint64_t start, uint64_t end, bool exec, const std::string& path = "") {
  Mapping m;
  m.start = start;
  m.end = end;
  m.readable = true;
  m.writable = !exec;
  m.executable = exec;
  m.path = path;
  return m;
}

std::string WriteTempFile(const std::string& name, const std::vector<uint8_t>& bytes) {
  const char* dir = getenv("TEST_TMPDIR");
  std::string path = std::string(dir != nullptr ? dir : "/tmp") + "/" + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return path;
}

uint64_t InodeOf(const std::string& path) {
  struct stat st {};
  stat(path.c_str(), &st);
  return st.st_ino;
}

TEST(BuildModuleMapTest, GroupsAnElfFileAndReadsItsIdentityFromMemory) {
  const uint64_t base = 0x7f0000000000;
  FakeProcessMemory memory;
  memory.AddRegion(base, BuildTestElf(0, "\xde\xad\xbe\xef"));
  std::vector<Mapping> mappings = {
      FileMapping(base + 0x1000, base + 0x3000, 0x1000, "/lib/libx.so", 7, true),
      FileMapping(base, base + 0x1000, 0, "/lib/libx.so", 7),  // out of order on purpose
      AnonMapping(base + 0x3000, base + 0x4000, false),        // .bss
      FileMapping(base + 0x4000, base + 0x5000, 0x3000, "/lib/libx.so", 7),
      AnonMapping(base + 0x10000, base + 0x20000, false, "[heap]"),
  };
  ModuleMap map = BuildModuleMap(mappings, memory);
  ASSERT_EQ(map.mappings().size(), 5u);
  ASSERT_EQ(map.modules().size(), 1u);
  const LoadedModule& m = map.modules()[0];
  EXPECT_EQ(m.path, "/lib/libx.so");
  EXPECT_EQ(m.kind, ModuleKind::kElf);
  EXPECT_EQ(m.base, base);
  EXPECT_EQ(m.end, base + 0x5000);
  EXPECT_EQ(m.file_offset, 0u);
  EXPECT_EQ(m.load_bias, base);
  EXPECT_EQ(m.build_id, "\xde\xad\xbe\xef");
  EXPECT_TRUE(m.executable);
  EXPECT_EQ(map.FindModule(base + 0x1234), &map.modules()[0]);
}

TEST(BuildModuleMapTest, NonPieLoadBiasIsZero) {
  const uint64_t base = 0x400000;
  FakeProcessMemory memory;
  memory.AddRegion(base, BuildTestElf(0x400000, "\x01\x02"));
  ModuleMap map = BuildModuleMap({FileMapping(base, base + 0x1000, 0, "/bin/app", 3, true)}, memory);
  ASSERT_EQ(map.modules().size(), 1u);
  EXPECT_EQ(map.modules()[0].load_bias, 0u);
  EXPECT_EQ(map.modules()[0].build_id, "\x01\x02");
}

TEST(BuildModuleMapTest, FallsBackToTheFileWhenMemoryIsUnreadable) {
  std::string path = WriteTempFile("lib_on_disk.so", BuildTestElf(0, "\x0a\x0b\x0c", 8192));
  const uint64_t base = 0x7f1000000000;
  FakeProcessMemory memory;  // nothing readable
  Mapping header = FileMapping(base, base + 0x1000, 0, path, InodeOf(path));
  header.readable = false;
  ModuleMap map = BuildModuleMap(
      {header, FileMapping(base + 0x1000, base + 0x2000, 0x1000, path, InodeOf(path), true)},
      memory);
  ASSERT_EQ(map.modules().size(), 1u);
  EXPECT_EQ(map.modules()[0].kind, ModuleKind::kElf);
  EXPECT_EQ(map.modules()[0].load_bias, base);
  EXPECT_EQ(map.modules()[0].build_id, "\x0a\x0b\x0c");
}

// A single-file app: files bundled after the host's ELF image (past its PT_LOADs), mapped by the
// runtime apart from the image, are not ELF modules; the image itself still is.
TEST(BuildModuleMapTest, BundledFilesMappedFromAnElfHostAreNotElfModules) {
  std::vector<uint8_t> bundle = BuildTestElf(0, "\x0d\x0e", 8192);
  bundle.resize(0x6000, 0x42);  // the bundled files: past the only PT_LOAD (0..0x2000)
  const std::string path = WriteTempFile("singlefile_host", bundle);
  const uint64_t inode = InodeOf(path);
  // As the runtime maps them: below the image (sorted first, so never joined to its group).
  const uint64_t image = 0x7f3000000000, assembly = 0x7f2000000000;
  FakeProcessMemory memory;
  memory.AddRegion(image, std::vector<uint8_t>(bundle.begin(), bundle.begin() + 0x2000));
  ModuleMap map = BuildModuleMap(
      {FileMapping(image, image + 0x2000, 0, path, inode, true),
       FileMapping(assembly, assembly + 0x1000, 0x4000, path, inode),
       FileMapping(assembly + 0x1000, assembly + 0x2000, 0x5000, path, inode, true)},
      memory);
  ASSERT_EQ(map.modules().size(), 2u);
  EXPECT_EQ(map.modules()[0].kind, ModuleKind::kOtherFile);
  EXPECT_EQ(map.modules()[0].base, assembly);
  EXPECT_FALSE(map.modules()[0].load_bias.has_value());
  EXPECT_EQ(map.modules()[1].kind, ModuleKind::kElf);
  EXPECT_EQ(map.modules()[1].base, image);
  EXPECT_EQ(map.modules()[1].build_id, "\x0d\x0e");
}

// A single-file host whose bundle manifest lists the files it maps: each bundled assembly's
// mappings are a PE module of their own, named as the runtime names it, located in the host.
TEST(BuildModuleMapTest, BundledAssembliesAreModulesOfTheirOwn) {
  std::vector<uint8_t> elf = BuildTestElf(0, "\x0d\x0e", 8192);
  // The PT_LOAD made writable and reaching over the placeholder the bundle appends to it.
  for (size_t ph = elf_testing::kTestElfPhoff; ph + 56 <= 8192 && ph < elf_testing::kTestElfPhoff + 8 * 56; ph += 56) {
    uint32_t type;
    memcpy(&type, &elf[ph], 4);
    if (type != PT_LOAD) continue;
    const uint32_t flags = PF_R | PF_W | PF_X;
    const uint64_t size = 8192 + 40;
    memcpy(&elf[ph + 4], &flags, 4);
    memcpy(&elf[ph + 32], &size, 8);
    memcpy(&elf[ph + 40], &size, 8);
  }
  bundle::testing::BundleBytes b(6, std::string(elf.begin(), elf.end()));
  b.AddFile(bundle::kAssembly, "App.dll", 0x1800, 0, "MZ");    // at 0x2030
  b.AddFile(bundle::kAssembly, "de/Lib.dll", 0x3000, 0, "MZ");  // at 0x3830: shares a page
  b.AddFile(bundle::kSymbols, "App.pdb", 0x100);
  b.AddFile(bundle::kRuntimeConfigJson, "App.runtimeconfig.json", 16);
  ASSERT_EQ(b.offset_of(0), 0x2030u);
  ASSERT_EQ(b.offset_of(1), 0x3830u);
  const std::string bytes = b.Build();
  const std::string path = WriteTempFile("singlefile_app", {bytes.begin(), bytes.end()});
  const uint64_t inode = InodeOf(path);

  const uint64_t image = 0x7f3000000000, app = 0x7f2000000000, lib = 0x7f2100000000,
                 lib_flat = 0x7f2200000000;
  FakeProcessMemory memory;
  memory.AddRegion(image, std::vector<uint8_t>(bytes.begin(), bytes.begin() + 0x2000));
  auto shared = [](Mapping m) {
    m.shared = true;
    return m;
  };
  ModuleMap map = BuildModuleMap(
      {FileMapping(image, image + 0x2000, 0, path, inode, true),
       shared(FileMapping(app, app + 0x2000, 0x2000, path, inode)),
       // A loaded image: headers and code from the same page, then data.
       FileMapping(lib, lib + 0x1000, 0x3000, path, inode),
       FileMapping(lib + 0x1000, lib + 0x3000, 0x3000, path, inode, true),
       FileMapping(lib + 0x3000, lib + 0x4000, 0x5000, path, inode),
       shared(FileMapping(lib_flat, lib_flat + 0x4000, 0x3000, path, inode))},
      memory);
  ASSERT_EQ(map.modules().size(), 4u);
  const std::string dir = path.substr(0, path.find_last_of('/'));
  const LoadedModule& m0 = map.modules()[0];
  EXPECT_EQ(m0.path, dir + "/App.dll");
  EXPECT_EQ(m0.kind, ModuleKind::kPe);
  EXPECT_EQ(m0.base, app);
  ASSERT_TRUE(m0.bundled.has_value());
  EXPECT_EQ(m0.bundled->path, path);
  EXPECT_EQ(m0.bundled->offset, 0x2030u);
  EXPECT_EQ(m0.bundled->size, 0x1800u);
  const LoadedModule& m1 = map.modules()[1];
  EXPECT_EQ(m1.path, dir + "/de/Lib.dll");
  EXPECT_EQ(m1.kind, ModuleKind::kPe);
  EXPECT_EQ(m1.base, lib);
  EXPECT_EQ(m1.end, lib + 0x4000);
  EXPECT_TRUE(m1.executable);
  ASSERT_TRUE(m1.bundled.has_value());
  EXPECT_EQ(m1.bundled->offset, 0x3830u);
  const LoadedModule& m2 = map.modules()[2];
  EXPECT_EQ(m2.path, dir + "/de/Lib.dll");
  EXPECT_EQ(m2.base, lib_flat);
  EXPECT_EQ(m2.end, lib_flat + 0x4000);
  const LoadedModule& m3 = map.modules()[3];
  EXPECT_EQ(m3.path, path);
  EXPECT_EQ(m3.kind, ModuleKind::kElf);
  EXPECT_FALSE(m3.bundled.has_value());
  EXPECT_EQ(m3.build_id, "\x0d\x0e");
  // Every bundled assembly and PDB, mapped or not, by name (no JSON files).
  ASSERT_EQ(map.bundled_files().size(), 3u);
  EXPECT_EQ(map.bundled_files()[0].path, dir + "/App.dll");
  EXPECT_EQ(map.bundled_files()[1].path, dir + "/de/Lib.dll");
  EXPECT_EQ(map.bundled_files()[2].path, dir + "/App.pdb");
  EXPECT_EQ(map.bundled_files()[2].location.path, path);
  EXPECT_EQ(map.bundled_files()[2].location.offset, b.offset_of(2));
}

TEST(BuildModuleMapTest, PeImagesFromMemoryOrFromTheFile) {
  FakeProcessMemory memory;
  memory.AddRegion(0x10000, std::string("MZ\x90\x00", 4));
  std::vector<uint8_t> pe = {'M', 'Z', 0x90, 0};
  pe.resize(0x3000);
  std::string path = WriteTempFile("Assembly.dll", pe);
  ModuleMap map = BuildModuleMap(
      {
          FileMapping(0x10000, 0x11000, 0, "/app/Mapped.dll", 11),
          // Mapped from offset 0x1000 only: the kind comes from the file on disk.
          FileMapping(0x20000, 0x22000, 0x1000, path, InodeOf(path), true),
      },
      memory);
  ASSERT_EQ(map.modules().size(), 2u);
  EXPECT_EQ(map.modules()[0].kind, ModuleKind::kPe);
  EXPECT_EQ(map.modules()[1].kind, ModuleKind::kPe);
  EXPECT_EQ(map.modules()[1].file_offset, 0x1000u);
  EXPECT_FALSE(map.modules()[1].load_bias.has_value());  // not ELF
}

TEST(BuildModuleMapTest, AnonymousExecutableVdsoAndOtherFiles) {
  const uint64_t vdso = 0x7fff00000000;
  FakeProcessMemory memory;
  memory.AddRegion(vdso, BuildTestElf(0, "\x77\x88"));
  memory.AddRegion(0x50000, "just text");
  ModuleMap map = BuildModuleMap(
      {
          FileMapping(0x50000, 0x51000, 0, "/etc/locale", 12),
          AnonMapping(0x60000, 0x61000, true),
          AnonMapping(0x61000, 0x62000, true),
          AnonMapping(0x62000, 0x63000, false),
          FileMapping(0x70000, 0x71000, 0, "/memfd:doublemapper", 99, true),
          FileMapping(0x71000, 0x72000, 0, "/memfd:doublemapper", 99, false),
          AnonMapping(vdso, vdso + 0x2000, true, "[vdso]"),
          AnonMapping(vdso + 0x2000, vdso + 0x3000, false, "[vvar]"),
          AnonMapping(vdso + 0x10000, vdso + 0x11000, false, "[stack]"),
      },
      memory);
  ASSERT_EQ(map.modules().size(), 5u);
  EXPECT_EQ(map.modules()[0].kind, ModuleKind::kOtherFile);
  EXPECT_EQ(map.modules()[1].kind, ModuleKind::kAnonymousExecutable);
  EXPECT_EQ(map.modules()[1].end, 0x61000u);
  EXPECT_EQ(map.modules()[2].kind, ModuleKind::kAnonymousExecutable);
  EXPECT_EQ(map.modules()[3].kind, ModuleKind::kAnonymousExecutable);
  EXPECT_EQ(map.modules()[3].path, "/memfd:doublemapper");
  const LoadedModule& v = map.modules()[4];
  EXPECT_EQ(v.path, "[vdso]");
  EXPECT_EQ(v.kind, ModuleKind::kElf);
  EXPECT_EQ(v.load_bias, vdso);
  EXPECT_EQ(v.build_id, "\x77\x88");
}

TEST(BuildModuleMapTest, AFileMappedTwiceGivesTwoModules) {
  FakeProcessMemory memory;
  memory.AddRegion(0x10000, std::string("MZ\0\0", 4));
  memory.AddRegion(0x20000, std::string("MZ\0\0", 4));
  ModuleMap map = BuildModuleMap(
      {
          FileMapping(0x10000, 0x11000, 0, "/app/A.dll", 5),
          FileMapping(0x11000, 0x12000, 0x1000, "/app/A.dll", 5),
          FileMapping(0x20000, 0x23000, 0, "/app/A.dll", 5),
      },
      memory);
  ASSERT_EQ(map.modules().size(), 2u);
  EXPECT_EQ(map.modules()[0].kind, ModuleKind::kPe);
  EXPECT_EQ(map.modules()[0].end, 0x12000u);
  EXPECT_EQ(map.modules()[1].base, 0x20000u);
}

TEST(BuildModuleMapTest, CorruptImagesGiveModulesWithoutIdentity) {
  FakeProcessMemory memory;
  std::vector<uint8_t> elf = BuildTestElf(0, "\x01");
  elf[offsetof(Elf64_Ehdr, e_phnum)] = 0xff;  // too many headers
  memory.AddRegion(0x10000, elf);
  memory.AddRegion(0x20000, "\x7f" "ELF");   // magic only
  ModuleMap map = BuildModuleMap(
      {
          FileMapping(0x10000, 0x11000, 0, "/nonexistent/a.so", 5),
          FileMapping(0x20000, 0x21000, 0, "/nonexistent/b.so", 6),
          FileMapping(0x30000, 0x31000, 0, "/nonexistent/c.so", 7),  // unreadable everywhere
      },
      memory);
  ASSERT_EQ(map.modules().size(), 3u);
  EXPECT_EQ(map.modules()[0].kind, ModuleKind::kElf);
  EXPECT_EQ(map.modules()[0].build_id, "");
  EXPECT_FALSE(map.modules()[0].load_bias.has_value());
  EXPECT_EQ(map.modules()[1].kind, ModuleKind::kElf);
  EXPECT_FALSE(map.modules()[1].load_bias.has_value());
  EXPECT_EQ(map.modules()[2].kind, ModuleKind::kOtherFile);
}

}  // namespace
}  // namespace ddcrash
