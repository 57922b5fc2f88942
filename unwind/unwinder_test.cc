#include "unwind/unwinder.h"

#include <elf.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ptrace/fake_process_memory.h"
#include "elf/elf_file.h"
#include "ptrace/frozen_process.h"
#include "ptrace/module_map_builder.h"
#include "unwind/fixture_process.h"
#include "unwind/native_frame.h"
#include "unwind/symbolizer.h"

namespace ddcrash {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

constexpr char kFixture[] = "unwind/testdata/fixture";

struct Walk {
  UnwoundStack stack;
  std::vector<std::string> names;  // per frame; "" when unknown
};

Walk UnwindMain(FixtureProcess& process, const UnwindOptions& options = UnwindOptions()) {
  FrozenProcess& frozen = process.frozen();
  Symbolizer symbolizer;
  RemoteUnwinder unwinder(frozen.memory(), frozen.modules(), process.pid(), &symbolizer);
  absl::StatusOr<UnwoundStack> stack = unwinder.Unwind(process.main_thread(), options);
  EXPECT_TRUE(stack.ok()) << stack.status();
  Walk walk;
  if (!stack.ok()) return walk;
  walk.stack = *stack;
  for (const NativeFrame& frame : walk.stack.frames) {
    const LoadedModule* module = frozen.modules().FindModule(frame.LookupAddress());
    std::string name;
    if (module != nullptr) {
      absl::StatusOr<SymbolInfo> info = symbolizer.Symbolize(*module, frame.LookupAddress());
      if (info.ok()) name = info->function;
    }
    walk.names.push_back(name);
  }
  return walk;
}

// The frames that belong to the fixture program (its own functions and main), in order.
std::vector<std::string> FixtureFrames(const Walk& walk) {
  std::vector<std::string> out;
  for (const std::string& name : walk.names) {
    if (absl::StartsWith(name, "fixture::") || name == "main") out.push_back(name);
  }
  return out;
}

int IndexOf(const Walk& walk, const std::string& name) {
  for (size_t i = 0; i < walk.names.size(); ++i) {
    if (walk.names[i] == name) return static_cast<int>(i);
  }
  return -1;
}

std::string Describe(const Walk& walk) {
  std::string out = "end: " + std::to_string(static_cast<int>(walk.stack.end)) + "\n";
  for (size_t i = 0; i < walk.stack.frames.size() && i < 40; ++i) {
    const NativeFrame& f = walk.stack.frames[i];
    char line[128];
    snprintf(line, sizeof(line), "#%zu ip=%#lx sp=%#lx %s%s ", i, (unsigned long)f.ip,
             (unsigned long)f.sp, FrameTrustName(f.trust), f.is_signal_frame ? " [signal]" : "");
    out += line + walk.names[i] + "\n";
  }
  return out;
}

TEST(RemoteUnwinderTest, DeepRecursionInOptimizedFramePointerLessCode) {
  absl::StatusOr<std::unique_ptr<FixtureProcess>> process =
      FixtureProcess::Start({kFixture, "recursion"});
  ASSERT_TRUE(process.ok()) << process.status();
  Walk walk = UnwindMain(**process);

  std::vector<std::string> expected = {"fixture::Block()"};
  for (int i = 0; i <= 400; ++i) expected.push_back("fixture::Recurse(int)");
  expected.insert(expected.end(), {"fixture::LevelB()", "fixture::LevelA()", "main"});
  EXPECT_THAT(FixtureFrames(walk), ElementsAreArray(expected)) << Describe(walk);

  // Frame 0 is in libc (pause), then Block (under ASan an interceptor may sit between).
  ASSERT_GE(walk.stack.frames.size(), 405u);
  int block = IndexOf(walk, "fixture::Block()");
  EXPECT_GE(block, 1) << Describe(walk);
  EXPECT_LE(block, 2) << Describe(walk);
  EXPECT_EQ(walk.stack.frames[0].trust, NativeFrameTrust::kContext);
  EXPECT_TRUE(walk.stack.frames[0].ip_is_exact);
  for (size_t i = 1; i < walk.stack.frames.size(); ++i) {
    EXPECT_EQ(walk.stack.frames[i].trust, NativeFrameTrust::kCfi) << i;
    EXPECT_GT(walk.stack.frames[i].sp, walk.stack.frames[i - 1].sp) << i;
    EXPECT_FALSE(walk.stack.frames[i].ip_is_exact);
  }
  EXPECT_TRUE(walk.stack.reached_end()) << Describe(walk);
  EXPECT_FALSE(walk.stack.truncated);
  // The CFA of each CFI-unwound frame is its caller's stack pointer.
  EXPECT_EQ(walk.stack.frames[block].cfa, walk.stack.frames[block + 1].sp);
}

TEST(RemoteUnwinderTest, FrameCapTruncatesExplicitly) {
  absl::StatusOr<std::unique_ptr<FixtureProcess>> process =
      FixtureProcess::Start({kFixture, "recursion"});
  ASSERT_TRUE(process.ok()) << process.status();
  UnwindOptions options;
  options.max_frames = 50;
  Walk walk = UnwindMain(**process, options);
  EXPECT_EQ(walk.stack.frames.size(), 50u);
  EXPECT_TRUE(walk.stack.truncated);
  EXPECT_FALSE(walk.stack.reached_end());
  EXPECT_EQ(walk.names[49], "fixture::Recurse(int)");
}

TEST(RemoteUnwinderTest, CrossesSignalFrameOnAlternateStack) {
  absl::StatusOr<std::unique_ptr<FixtureProcess>> process =
      FixtureProcess::Start({kFixture, "sigaltstack"});
  ASSERT_TRUE(process.ok()) << process.status();
  Walk walk = UnwindMain(**process);
  EXPECT_THAT(FixtureFrames(walk), ElementsAre("fixture::Block()", "fixture::Handler(int)",
                                               "fixture::SignalLevel()", "main"))
      << Describe(walk);
  EXPECT_TRUE(walk.stack.reached_end()) << Describe(walk);

  int handler = IndexOf(walk, "fixture::Handler(int)");
  int signal_level = IndexOf(walk, "fixture::SignalLevel()");
  ASSERT_GE(handler, 0);
  ASSERT_GT(signal_level, handler);
  // Exactly one signal frame (__restore_rt), right above the handler; the frame above it is
  // the interrupted instruction itself.
  int signal_frames = 0;
  for (size_t i = 0; i < walk.stack.frames.size(); ++i) {
    if (walk.stack.frames[i].is_signal_frame) {
      ++signal_frames;
      EXPECT_EQ(static_cast<int>(i), handler + 1) << Describe(walk);
      ASSERT_LT(i + 1, walk.stack.frames.size());
      EXPECT_TRUE(walk.stack.frames[i + 1].ip_is_exact);
    }
  }
  EXPECT_EQ(signal_frames, 1) << Describe(walk);
  // The handler ran on the alternate stack (the fixture's .bss), main on the thread's stack.
  const ModuleMap& modules = (*process)->frozen().modules();
  const Mapping* handler_stack = modules.FindMapping(walk.stack.frames[handler].sp);
  const Mapping* main_stack = modules.FindMapping(walk.stack.frames.back().sp);
  ASSERT_NE(handler_stack, nullptr);
  ASSERT_NE(main_stack, nullptr);
  EXPECT_EQ(main_stack->path, "[stack]");
  EXPECT_NE(handler_stack->path, "[stack]");
}

TEST(RemoteUnwinderTest, FramePointerFallbackThroughAnonymousCode) {
  absl::StatusOr<std::unique_ptr<FixtureProcess>> process =
      FixtureProcess::Start({kFixture, "jit"});
  ASSERT_TRUE(process.ok()) << process.status();
  Walk walk = UnwindMain(**process);
  EXPECT_THAT(FixtureFrames(walk), ElementsAre("fixture::Block()", "fixture::JitCallee()",
                                               "fixture::JitCaller()", "main"))
      << Describe(walk);
  EXPECT_TRUE(walk.stack.reached_end()) << Describe(walk);

  int callee = IndexOf(walk, "fixture::JitCallee()");
  ASSERT_GE(callee, 0);
  ASSERT_LT(callee + 3, static_cast<int>(walk.stack.frames.size()));
  const NativeFrame& trampoline = walk.stack.frames[callee + 1];
  const LoadedModule* module = (*process)->frozen().modules().FindModule(trampoline.ip);
  ASSERT_NE(module, nullptr);
  EXPECT_EQ(module->kind, ModuleKind::kAnonymousExecutable);
  EXPECT_EQ(trampoline.trust, NativeFrameTrust::kCfi);  // found from JitCallee's CFI
  EXPECT_EQ(walk.names[callee + 2], "fixture::JitCaller()");
  EXPECT_EQ(walk.stack.frames[callee + 2].trust, NativeFrameTrust::kFramePointer);
  EXPECT_EQ(walk.stack.frames[callee + 3].trust, NativeFrameTrust::kCfi);  // CFI resumed
}

TEST(RemoteUnwinderTest, WithoutFallbackStopsAtCodeWithoutUnwindInfo) {
  absl::StatusOr<std::unique_ptr<FixtureProcess>> process =
      FixtureProcess::Start({kFixture, "jit"});
  ASSERT_TRUE(process.ok()) << process.status();
  UnwindOptions options;
  options.frame_pointer_fallback = false;
  Walk walk = UnwindMain(**process, options);
  EXPECT_THAT(FixtureFrames(walk), ElementsAre("fixture::Block()", "fixture::JitCallee()"))
      << Describe(walk);
  EXPECT_EQ(walk.stack.end, WalkEnd::kNoUnwindInfo);
  EXPECT_FALSE(walk.stack.truncated);
}

TEST(RemoteUnwinderTest, CachesTablesPerModuleAcrossThreadsAndCalls) {
  absl::StatusOr<std::unique_ptr<FixtureProcess>> process =
      FixtureProcess::Start({kFixture, "recursion"});
  ASSERT_TRUE(process.ok()) << process.status();
  FrozenProcess& frozen = (*process)->frozen();
  RemoteUnwinder unwinder(frozen.memory(), frozen.modules(), (*process)->pid());
  absl::StatusOr<UnwoundStack> first = unwinder.Unwind((*process)->main_thread(), {});
  ASSERT_TRUE(first.ok());
  UnwinderStats after_first = unwinder.stats();
  absl::StatusOr<UnwoundStack> second = unwinder.Unwind((*process)->main_thread(), {});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->frames.size(), second->frames.size());
  // The fixture and libc have tables; no module was loaded twice.
  EXPECT_GE(after_first.modules_with_tables, 2);
  EXPECT_EQ(unwinder.stats().modules_with_tables, after_first.modules_with_tables);
  EXPECT_EQ(unwinder.stats().modules_without_tables, after_first.modules_without_tables);
  EXPECT_GT(after_first.find_proc_info_hits, 0);
}

TEST(RemoteUnwinderTest, RejectsThreadThatWasNotStopped) {
  ModuleMap modules;
  ThreadState thread;
  thread.stopped = false;
  thread.error = "gone";
  class NoMemory : public ProcessMemory {
   public:
    absl::StatusOr<size_t> Read(uint64_t, absl::Span<uint8_t>) override {
      return absl::NotFoundError("none");
    }
  } memory;
  RemoteUnwinder unwinder(memory, modules);
  EXPECT_FALSE(unwinder.Unwind(thread, {}).ok());
}

TEST(RemoteUnwinderTest, UnreadableMemoryEndsWalkCleanly) {
  class NoMemory : public ProcessMemory {
   public:
    absl::StatusOr<size_t> Read(uint64_t, absl::Span<uint8_t>) override {
      return absl::NotFoundError("none");
    }
  } memory;
  ModuleMap modules;
  ThreadState thread;
  thread.stopped = true;
  thread.regs.rip = 0x401000;
  thread.regs.rsp = 0x7ffc0000;
  thread.regs.rbp = 0x7ffc0100;
  RemoteUnwinder unwinder(memory, modules);
  absl::StatusOr<UnwoundStack> stack = unwinder.Unwind(thread, {});
  ASSERT_TRUE(stack.ok());
  ASSERT_EQ(stack->frames.size(), 1u);
  EXPECT_EQ(stack->frames[0].ip, 0x401000u);
  EXPECT_EQ(stack->end, WalkEnd::kBadInstructionPointer);
}

TEST(RemoteUnwinderTest, CallThroughNullPointerRecoversCallerFromStackTop) {
  // Frame 0 jumped to address 0; the caller's return address is at [rsp]. Code without unwind
  // information (anonymous), and an rbp chain that ends the walk.
  constexpr uint64_t kStack = 0x7ffd0000, kCode = 0x10000000;
  FakeProcessMemory memory;
  memory.AddRegion(kStack, std::vector<uint8_t>(0x1000, 0));
  memory.AddValue<uint64_t>(kStack + 0x100, kCode + 0x20);  // return address at rsp
  Mapping stack_mapping{kStack, kStack + 0x1000, 0, true, true, false, false, 0, 0, 0, "[stack]"};
  Mapping code{kCode, kCode + 0x1000, 0, true, false, true, false, 0, 0, 0, ""};
  LoadedModule jit;
  jit.kind = ModuleKind::kAnonymousExecutable;
  jit.base = kCode;
  jit.end = kCode + 0x1000;
  ModuleMap modules({code, stack_mapping}, {jit});
  ThreadState thread;
  thread.stopped = true;
  thread.regs.rip = 0;
  thread.regs.rsp = kStack + 0x100;
  thread.regs.rbp = 0;
  RemoteUnwinder unwinder(memory, modules);
  absl::StatusOr<UnwoundStack> stack = unwinder.Unwind(thread, {});
  ASSERT_TRUE(stack.ok());
  ASSERT_EQ(stack->frames.size(), 2u) << static_cast<int>(stack->end);
  EXPECT_EQ(stack->frames[1].ip, kCode + 0x20);
  EXPECT_EQ(stack->frames[1].sp, kStack + 0x108);
  EXPECT_EQ(stack->frames[1].trust, NativeFrameTrust::kScan);
    // Frame 1 has no CFI and its rbp chain (rbp 0) gives no caller.
  EXPECT_EQ(stack->end, WalkEnd::kNoUnwindInfo);
}

// A module whose file cannot be opened (gone, another mount namespace): the unwind table is
// found through the ELF and program headers mapped in target memory, at the load bias the
// module map computed, and libunwind finds a function's FDE through it.
TEST(RemoteUnwinderTest, FindsTheUnwindTableThroughHeadersInMemory) {
  absl::StatusOr<std::unique_ptr<ElfFile>> elf = ElfFile::Open(kFixture);
  ASSERT_TRUE(elf.ok()) << elf.status();
  absl::StatusOr<std::string> file = (*elf)->ReadAt(0, (*elf)->file_size());
  ASSERT_TRUE(file.ok());
  const uint64_t bias = (*elf)->type() == ET_EXEC ? 0 : 0x7f1000000000;
  // The image as the loader maps it: each PT_LOAD's file pages at bias + its vaddr page.
  FakeProcessMemory memory;
  uint64_t start = UINT64_MAX, end = 0;
  for (const ElfProgramHeader& h : (*elf)->program_headers()) {
    if (h.type != PT_LOAD) continue;
    uint64_t head = h.offset % 0x1000;
    std::string bytes = file->substr(h.offset - head, head + h.filesz);
    bytes.resize(head + h.memsz, '\0');
    memory.AddRegion(bias + h.vaddr - head, bytes);
    start = std::min(start, bias + h.vaddr - head);
    end = std::max(end, bias + h.vaddr + h.memsz);
  }
  Mapping mapping;
  mapping.start = start;
  mapping.end = (end + 0xfff) / 0x1000 * 0x1000;
  mapping.readable = true;
  mapping.executable = true;
  mapping.inode = 1;
  mapping.path = "/nonexistent/fixture";
  ModuleMap modules = BuildModuleMap({mapping}, memory);
  ASSERT_EQ(modules.modules().size(), 1u);
  ASSERT_EQ(modules.modules()[0].kind, ModuleKind::kElf);
  ASSERT_EQ(modules.modules()[0].load_bias, bias);
  EXPECT_EQ(modules.modules()[0].build_id, (*elf)->BuildId());

  absl::StatusOr<std::vector<ElfSymbol>> symbols = (*elf)->ReadSymbols(SymbolTableKind::kSymtab);
  ASSERT_TRUE(symbols.ok());
  uint64_t recurse = 0;
  for (const ElfSymbol& symbol : *symbols) {
    if (symbol.name == "_ZN7fixture7RecurseEi") recurse = symbol.value;
  }
  ASSERT_NE(recurse, 0u);
  RemoteUnwinder unwinder(memory, modules);
  EXPECT_TRUE(unwinder.HasUnwindInfo(bias + recurse + 1));
  EXPECT_EQ(unwinder.stats().modules_with_tables, 1);
  EXPECT_EQ(unwinder.stats().modules_without_tables, 0);
}

// HasUnwindInfo searches the module's table once per address; a repeated question (the same
// return address on another thread) gets the same answer without a search.
TEST(RemoteUnwinderTest, AnswersUnwindInfoOncePerAddress) {
  FakeProcessMemory memory;
  Mapping code{0x10000, 0x11000, 0, true, false, true, false, 0, 0, 1, "/nonexistent/lib.so"};
  LoadedModule module;
  module.kind = ModuleKind::kElf;
  module.path = code.path;
  module.base = code.start;
  module.end = code.end;
  ModuleMap modules({code}, {module});
  RemoteUnwinder unwinder(memory, modules);
  EXPECT_FALSE(unwinder.HasUnwindInfo(0x10100));
  EXPECT_FALSE(unwinder.HasUnwindInfo(0x10100));
  EXPECT_EQ(unwinder.stats().find_proc_info_calls, 1);
  EXPECT_FALSE(unwinder.HasUnwindInfo(0x10200));
  EXPECT_EQ(unwinder.stats().find_proc_info_calls, 2);
}

// Without a load bias (the module map could not read the program headers) there is no table.
TEST(RemoteUnwinderTest, NoTableWithoutALoadBias) {
  FakeProcessMemory memory;
  Mapping code{0x10000, 0x11000, 0, true, false, true, false, 0, 0, 1, "/nonexistent/lib.so"};
  LoadedModule module;
  module.kind = ModuleKind::kElf;
  module.path = code.path;
  module.base = code.start;
  module.end = code.end;
  ModuleMap modules({code}, {module});
  RemoteUnwinder unwinder(memory, modules);
  EXPECT_FALSE(unwinder.HasUnwindInfo(0x10100));
  EXPECT_EQ(unwinder.stats().modules_without_tables, 1);
}

}  // namespace
}  // namespace ddcrash
