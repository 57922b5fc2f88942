// Unwinding through a frame whose return address lies in a mapped non-ELF file (a file that
// starts with "MZ", like a .NET PE image, mapped PROT_EXEC, holding trampoline code).
//
// libunwind-ptrace's _UPT_find_proc_info maps such a file, finds it is not ELF, unmaps it,
// and later unmaps it again (libunwind issue #738). Our find_proc_info never maps anything:
// ELF files are read with pread, non-ELF modules are refused before any file is opened. This
// test proves it: the linker's --wrap routes every mmap/munmap call made by code linked into
// this binary (our code, libunwind-x86_64.a, abseil) through counters, and the unwind must
// make no file mapping and no munmap at all.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "unwind/fixture_process.h"
#include "unwind/stack_walker.h"
#include "unwind/symbolizer.h"
#include "unwind/unwinder.h"

namespace {
std::atomic<bool> g_counting{false};
std::atomic<int> g_anonymous_mmaps{0};
std::atomic<int> g_file_mmaps{0};
std::atomic<int> g_munmaps{0};
}  // namespace

extern "C" {
void* __real_mmap(void* addr, size_t length, int prot, int flags, int fd, off_t offset);
int __real_munmap(void* addr, size_t length);

void* __wrap_mmap(void* addr, size_t length, int prot, int flags, int fd, off_t offset) {
  if (g_counting.load()) {
    if (flags & MAP_ANONYMOUS) {
      ++g_anonymous_mmaps;
    } else {
      ++g_file_mmaps;
    }
  }
  return __real_mmap(addr, length, prot, flags, fd, offset);
}

int __wrap_munmap(void* addr, size_t length) {
  if (g_counting.load()) ++g_munmaps;
  return __real_munmap(addr, length);
}
}

namespace ddcrash {
namespace {

using ::testing::ElementsAre;

TEST(UnwinderNonElfTest, WrapIsActive) {
  // The counters see calls made from this binary's own code.
  g_counting = true;
  void* p = mmap(nullptr, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(p, MAP_FAILED);
  munmap(p, 4096);
  g_counting = false;
  EXPECT_EQ(g_anonymous_mmaps.exchange(0), 1);
  EXPECT_EQ(g_munmaps.exchange(0), 1);
}

TEST(UnwinderNonElfTest, UnwindsThroughMappedPeImageWithoutMappingAnything) {
  const char* tmp = getenv("TEST_TMPDIR");
  std::string image = std::string(tmp != nullptr ? tmp : "/tmp") + "/image.dll";
  {
    std::string bytes(0x2000, '\0');
    bytes[0] = 'M';
    bytes[1] = 'Z';
    // push %rbp; mov %rsp,%rbp; call *%rdi; pop %rbp; ret
    const char code[] = {'\x55', '\x48', '\x89', '\xe5', '\xff', '\xd7', '\x5d', '\xc3'};
    bytes.replace(0x1000, sizeof(code), code, sizeof(code));
    std::ofstream(image, std::ios::binary) << bytes;
  }
  absl::StatusOr<std::unique_ptr<FixtureProcess>> process =
      FixtureProcess::Start({"unwind/testdata/fixture", "pe", image});
  ASSERT_TRUE(process.ok()) << process.status();
  FrozenProcess& frozen = (*process)->frozen();

  g_anonymous_mmaps = 0;
  g_file_mmaps = 0;
  g_munmaps = 0;
  g_counting = true;
  UnwindOptions options;
  options.pid = (*process)->pid();
  Symbolizer symbolizer(SymbolizerOptions{.pid = (*process)->pid()});
  RemoteUnwinder unwinder(frozen.memory(), frozen.modules(), (*process)->pid(), &symbolizer);
  absl::StatusOr<UnwoundStack> stack = unwinder.Unwind((*process)->main_thread(), options);
  if (stack.ok()) SymbolizeFrames(frozen.modules(), symbolizer, *stack);
  g_counting = false;
  ASSERT_TRUE(stack.ok()) << stack.status();

  EXPECT_EQ(g_file_mmaps.load(), 0);
  EXPECT_EQ(g_munmaps.load(), 0);

  std::vector<std::string> names;
  int pe_frame = -1;
  for (size_t i = 0; i < stack->frames.size(); ++i) {
    const NativeFrame& frame = stack->frames[i];
    if (absl::StartsWith(frame.function, "fixture::") || frame.function == "main") {
      names.push_back(frame.function);
    }
    const LoadedModule* module = frozen.modules().FindModule(frame.LookupAddress());
    if (module != nullptr && module->path == image) {
      pe_frame = static_cast<int>(i);
    }
  }
  EXPECT_THAT(names, ElementsAre("fixture::Block()", "fixture::PeCallee()",
                                 "fixture::PeCaller(char const*)", "main"));
  ASSERT_GT(pe_frame, 0);
  const NativeFrame& frame = stack->frames[pe_frame];
  const LoadedModule* pe = frozen.modules().FindModule(frame.LookupAddress());
  ASSERT_NE(pe, nullptr);
  EXPECT_EQ(pe->kind, ModuleKind::kPe);
  EXPECT_EQ(frame.ip - pe->base, 0x1006u);  // the return address after `call *%rdi`
  EXPECT_EQ(frame.trust, NativeFrameTrust::kCfi);
  ASSERT_LT(pe_frame + 1, static_cast<int>(stack->frames.size()));
  EXPECT_EQ(stack->frames[pe_frame + 1].function, "fixture::PeCaller(char const*)");
  EXPECT_EQ(stack->frames[pe_frame + 1].trust, NativeFrameTrust::kFramePointer);
  EXPECT_TRUE(stack->reached_end()) << static_cast<int>(stack->end);
}

}  // namespace
}  // namespace ddcrash
