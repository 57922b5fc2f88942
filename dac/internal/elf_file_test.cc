#include "dac/internal/elf_file.h"

#include <dlfcn.h>
#include <link.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace ddcrash::dac {
namespace {

// Reads this process's own memory.
class SelfMemory : public ProcessMemory {
 public:
  absl::StatusOr<size_t> Read(uint64_t address, absl::Span<uint8_t> out) override {
    std::memcpy(out.data(), reinterpret_cast<const void*>(address), out.size());
    return out.size();
  }
};

std::string SelfPath() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

uint64_t SelfBase() {
  uint64_t base = 0;
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* data) {
        uint64_t min = UINT64_MAX;
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          if (info->dlpi_phdr[i].p_type == PT_LOAD) min = std::min<uint64_t>(min, info->dlpi_phdr[i].p_vaddr);
        }
        *static_cast<uint64_t*>(data) = info->dlpi_addr + (min & ~uint64_t{4095});
        return 1;  // the first entry is the main program
      },
      &base);
  return base;
}

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir != nullptr ? dir : "/tmp") + "/" + name;
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(ElfFile, OwnBuildIdFromFileMatchesMemory) {
  absl::StatusOr<ElfFile> f = ElfFile::Open(SelfPath());
  ASSERT_TRUE(f.ok()) << f.status();
  absl::StatusOr<std::string> from_file = f->BuildId();
  ASSERT_TRUE(from_file.ok()) << from_file.status();
  EXPECT_GE(from_file->size(), 16u);
  SelfMemory memory;
  absl::StatusOr<std::string> from_memory = ReadBuildIdFromMemory(memory, SelfBase());
  ASSERT_TRUE(from_memory.ok()) << from_memory.status();
  EXPECT_EQ(HexString(*from_file), HexString(*from_memory));
}

TEST(ElfFile, FindsDynamicSymbolsOfLibc) {
  Dl_info info;
  ASSERT_NE(dladdr(reinterpret_cast<void*>(&::getpid), &info), 0);
  absl::StatusOr<ElfFile> libc = ElfFile::Open(info.dli_fname);
  ASSERT_TRUE(libc.ok()) << libc.status();
  absl::StatusOr<uint64_t> getpid_value = libc->FindDynamicSymbol("getpid");
  ASSERT_TRUE(getpid_value.ok()) << getpid_value.status();
  uint64_t bias = reinterpret_cast<uint64_t>(info.dli_fbase) - libc->min_load_vaddr();
  EXPECT_EQ(bias + *getpid_value, reinterpret_cast<uint64_t>(&::getpid));
  EXPECT_TRUE(absl::IsNotFound(libc->FindDynamicSymbol("no_such_symbol_ddcrash").status()));
}

TEST(ElfFile, FindsStringByPrefix) {
  // The libc version banner lives in .rodata.
  Dl_info info;
  ASSERT_NE(dladdr(reinterpret_cast<void*>(&::getpid), &info), 0);
  absl::StatusOr<ElfFile> libc = ElfFile::Open(info.dli_fname);
  ASSERT_TRUE(libc.ok());
  absl::StatusOr<std::string> s = libc->FindString("GNU C Library", 4096);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->rfind("GNU C Library", 0), 0u);
  EXPECT_TRUE(absl::IsNotFound(libc->FindString("ddcrash-no-such-prefix", 50).status()));
}

TEST(ElfFile, RejectsNonElfAndMissingFiles) {
  std::string path = TempPath("not_elf");
  WriteFile(path, "hello, this is not an ELF file at all, but long enough to be read........");
  EXPECT_FALSE(ElfFile::Open(path).ok());
  EXPECT_FALSE(ElfFile::Open(TempPath("does_not_exist")).ok());
  EXPECT_FALSE(ElfFile::Open("/proc").ok());
}

TEST(ElfFile, TruncatedCopiesNeverCrash) {
  std::string self = ReadWholeFile(SelfPath());
  ASSERT_GT(self.size(), 8192u);
  for (size_t size : {0ul, 4ul, 63ul, 64ul, 100ul, 500ul, 4096ul, self.size() / 2, self.size() - 1}) {
    std::string path = TempPath("truncated");
    WriteFile(path, self.substr(0, size));
    absl::StatusOr<ElfFile> f = ElfFile::Open(path);
    if (!f.ok()) continue;
    (void)f->BuildId();
    (void)f->FindDynamicSymbol("main");
    (void)f->FindString("@(#)Version ", 200);
  }
}

TEST(ElfFile, CorruptHeadersNeverCrash) {
  std::string self = ReadWholeFile(SelfPath());
  ASSERT_GT(self.size(), 4096u);
  Elf64_Ehdr h;
  std::memcpy(&h, self.data(), sizeof(h));
  std::vector<std::function<void(Elf64_Ehdr&)>> corruptions = {
      [](Elf64_Ehdr& e) { e.e_phoff = ~0ull - 10; },
      [](Elf64_Ehdr& e) { e.e_phnum = 0xFFFF; },
      [](Elf64_Ehdr& e) { e.e_shoff = ~0ull - 10; },
      [](Elf64_Ehdr& e) { e.e_shnum = 0xFFFF; },
      [](Elf64_Ehdr& e) { e.e_shstrndx = 0xFFF0; },
      [](Elf64_Ehdr& e) { e.e_ident[EI_CLASS] = ELFCLASS32; },
  };
  for (auto& corrupt : corruptions) {
    std::string copy = self;
    Elf64_Ehdr bad = h;
    corrupt(bad);
    std::memcpy(copy.data(), &bad, sizeof(bad));
    std::string path = TempPath("corrupt");
    WriteFile(path, copy);
    absl::StatusOr<ElfFile> f = ElfFile::Open(path);
    if (!f.ok()) continue;
    (void)f->BuildId();
    (void)f->FindDynamicSymbol("main");
    (void)f->FindString("GNU", 100);
  }
}

TEST(ElfFile, HexString) {
  EXPECT_EQ(HexString(std::string("\x00\x1f\xa0\xff", 4)), "001fa0ff");
  EXPECT_EQ(HexString(""), "");
}

}  // namespace
}  // namespace ddcrash::dac
