#include "ptrace/frozen_process.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ptrace/cached_process_memory.h"
#include "ptrace/internal/proc_files.h"
#include "ptrace/internal/test_child.h"
#include "ptrace/live_process_memory.h"

namespace ddcrash {
namespace {

using ptrace_internal::Channel;
using ptrace_internal::ParseStatState;
using ptrace_internal::ReadProcFile;
using ptrace_internal::TestChild;
using ::testing::HasSubstr;

constexpr size_t kPage = 4096;
constexpr int kBlockedThreads = 50;

uint8_t PatternByte(size_t i) { return static_cast<uint8_t>(i * 31 + 7); }

// --- The target process ----------------------------------------------------------------------

pthread_mutex_t g_mutex = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t g_cond = PTHREAD_COND_INITIALIZER;
int g_pipe[2];

void* Blocked(void* arg) {
  int index = static_cast<int>(reinterpret_cast<intptr_t>(arg));
  pthread_setname_np(pthread_self(), absl::StrFormat("blocked-%d", index).c_str());
  switch (index % 4) {
    case 0:
      while (true) pause();
    case 1: {
      pthread_mutex_lock(&g_mutex);
      while (true) pthread_cond_wait(&g_cond, &g_mutex);
    }
    case 2: {
      char c;
      while (true) (void)!read(g_pipe[0], &c, 1);
    }
    default:
      while (true) usleep(1000 * 1000);
  }
  return nullptr;
}

void* Spinner(void*) {
  pthread_setname_np(pthread_self(), "spinner");
  volatile uint64_t counter = 0;
  while (true) counter = counter + 1;
  return nullptr;
}

void* Ephemeral(void*) { return nullptr; }

void* Spawner(void*) {
  pthread_setname_np(pthread_self(), "spawner");
  while (true) {
    pthread_t thread;
    if (pthread_create(&thread, nullptr, Ephemeral, nullptr) == 0) pthread_join(thread, nullptr);
  }
  return nullptr;
}

std::string TempPath(const std::string& name) {
  const char* dir = getenv("TEST_TMPDIR");
  return absl::StrCat(dir != nullptr ? dir : "/tmp", "/", name, "-", getpid());
}

// The target: many blocked threads, a spinner, a thread spawning short-lived threads, a
// pattern buffer followed by an unmapped page, a mapped "MZ" file and an anonymous executable
// page. Reports "<buffer> <pe> <jit>" and then answers "ping" with "pong".
void TargetMain(Channel& channel) {
  if (pipe(g_pipe) != 0) _exit(1);
  for (intptr_t i = 0; i < kBlockedThreads; ++i) {
    pthread_t thread;
    pthread_create(&thread, nullptr, Blocked, reinterpret_cast<void*>(i));
  }
  pthread_t thread;
  pthread_create(&thread, nullptr, Spinner, nullptr);
  pthread_create(&thread, nullptr, Spawner, nullptr);

  // Far below where the kernel places mappings (top-down from near 0x7fxxxxxxxxxx), so the
  // page after the buffer stays unmapped.
  auto* buffer = static_cast<uint8_t*>(
      mmap(reinterpret_cast<void*>(0x200000000000), 3 * kPage, PROT_READ | PROT_WRITE,
           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0));
  if (buffer == MAP_FAILED) _exit(1);
  for (size_t i = 0; i < 2 * kPage; ++i) buffer[i] = PatternByte(i);
  munmap(buffer + 2 * kPage, kPage);

  std::string pe_path = TempPath("fake.dll");
  int fd = open(pe_path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
  std::string pe(kPage, '\0');
  pe[0] = 'M';
  pe[1] = 'Z';
  (void)!write(fd, pe.data(), pe.size());
  void* pe_map = mmap(nullptr, kPage, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
  close(fd);
  void* jit = mmap(nullptr, kPage, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

  channel
      .Send(absl::StrFormat("%d %d %d", reinterpret_cast<uintptr_t>(buffer),
                            reinterpret_cast<uintptr_t>(pe_map), reinterpret_cast<uintptr_t>(jit)))
      .IgnoreError();
  while (true) {
    absl::StatusOr<std::string> line = channel.Receive();
    if (!line.ok()) _exit(0);
    channel.Send("pong").IgnoreError();
  }
}

struct Target {
  std::unique_ptr<TestChild> child;
  uint64_t buffer = 0;
  uint64_t pe = 0;
  uint64_t jit = 0;
};

Target StartTarget() {
  Target target;
  absl::StatusOr<std::unique_ptr<TestChild>> child = TestChild::Start(TargetMain);
  EXPECT_TRUE(child.ok()) << child.status();
  if (!child.ok()) return target;
  target.child = *std::move(child);
  absl::StatusOr<std::string> line = target.child->channel().Receive(absl::Seconds(30));
  EXPECT_TRUE(line.ok()) << line.status();
  if (!line.ok()) return target;
  std::vector<std::string> parts = absl::StrSplit(*line, ' ');
  EXPECT_EQ(parts.size(), 3u);
  if (parts.size() != 3u) return target;
  EXPECT_TRUE(absl::SimpleAtoi(parts[0], &target.buffer));
  EXPECT_TRUE(absl::SimpleAtoi(parts[1], &target.pe));
  EXPECT_TRUE(absl::SimpleAtoi(parts[2], &target.jit));
  // Let every thread reach its blocking call.
  absl::SleepFor(absl::Milliseconds(200));
  return target;
}

// The target answers on its pipe and none of its threads is in a stopped state.
void ExpectRunning(TestChild& child) {
  ASSERT_TRUE(child.channel().Send("ping").ok());
  absl::StatusOr<std::string> reply = child.channel().Receive(absl::Seconds(10));
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(*reply, "pong");
  std::string task_dir = absl::StrFormat("/proc/%d/task", child.pid());
  DIR* dir = opendir(task_dir.c_str());
  ASSERT_NE(dir, nullptr);
  int threads = 0;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] == '.') continue;
    absl::StatusOr<std::string> stat = ReadProcFile(absl::StrCat(task_dir, "/", entry->d_name, "/stat"));
    if (!stat.ok()) continue;  // an ephemeral thread that just exited
    char state = ParseStatState(*stat);
    EXPECT_NE(state, 't') << entry->d_name;
    EXPECT_NE(state, 'T') << entry->d_name;
    ++threads;
  }
  closedir(dir);
  EXPECT_GE(threads, kBlockedThreads + 3);
}

// The build id `readelf -n` prints for `path`, as hex.
std::string ReadelfBuildId(const std::string& path) {
  FILE* pipe = popen(absl::StrCat("readelf -n '", path, "' 2>/dev/null").c_str(), "r");
  if (pipe == nullptr) return "";
  std::string output;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.append(buffer, n);
  pclose(pipe);
  size_t at = output.find("Build ID: ");
  if (at == std::string::npos) return "";
  size_t end = output.find('\n', at);
  return output.substr(at + 10, end - at - 10);
}

TEST(FrozenProcessTest, FreezesEveryThreadAndLetsTheTargetRunOn) {
  Target target = StartTarget();
  ASSERT_NE(target.child, nullptr);
  const pid_t pid = target.child->pid();

  absl::StatusOr<std::unique_ptr<FrozenProcess>> frozen = FrozenProcess::Freeze(pid);
  ASSERT_TRUE(frozen.ok()) << frozen.status();
  FrozenProcess& process = **frozen;
  EXPECT_EQ(process.pid(), pid);
  EXPECT_TRUE(process.all_threads_found());
  EXPECT_TRUE(process.modules_status().ok()) << process.modules_status();

  // Every thread: stopped with plausible registers, or an ephemeral thread that exited.
  std::set<std::string> names;
  int stopped = 0;
  for (const ThreadState& thread : process.threads()) {
    if (!thread.stopped) {
      EXPECT_THAT(thread.error, HasSubstr("exited")) << thread.tid << " " << thread.name;
      continue;
    }
    ++stopped;
    names.insert(thread.name);
    EXPECT_TRUE(thread.error.empty()) << thread.error;
    EXPECT_TRUE(thread.has_fpregs);
    const Mapping* code = process.modules().FindMapping(thread.regs.rip);
    ASSERT_NE(code, nullptr) << thread.name << " rip " << thread.regs.rip;
    EXPECT_TRUE(code->executable) << thread.name << " rip in " << code->path;
    const Mapping* stack = process.modules().FindMapping(thread.regs.rsp);
    ASSERT_NE(stack, nullptr) << thread.name << " rsp " << thread.regs.rsp;
    EXPECT_TRUE(stack->writable);
    EXPECT_TRUE(stack->path == "[stack]" || stack->path.empty()) << stack->path;
    if (thread.tid == pid) {
      EXPECT_EQ(stack->path, "[stack]");
    }
  }
  EXPECT_GE(stopped, kBlockedThreads + 3);
  for (int i = 0; i < kBlockedThreads; ++i) {
    EXPECT_TRUE(names.count(absl::StrFormat("blocked-%d", i))) << i;
  }
  EXPECT_TRUE(names.count("spinner"));
  EXPECT_TRUE(names.count("spawner"));

  // Memory: the known buffer, a read running into the unmapped page, cached == uncached.
  std::vector<uint8_t> bytes(2 * kPage);
  ASSERT_TRUE(process.memory().ReadExact(target.buffer, absl::MakeSpan(bytes)).ok());
  for (size_t i = 0; i < bytes.size(); ++i) ASSERT_EQ(bytes[i], PatternByte(i)) << i;
  std::vector<uint8_t> across(100);
  absl::StatusOr<size_t> n =
      process.memory().Read(target.buffer + 2 * kPage - 40, absl::MakeSpan(across));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 40u);
  LiveProcessMemory uncached(pid);
  for (const ThreadState& thread : process.threads()) {
    if (!thread.stopped) continue;
    std::vector<uint8_t> a(512), b(512);
    absl::StatusOr<size_t> na = process.memory().Read(thread.regs.rsp, absl::MakeSpan(a));
    absl::StatusOr<size_t> nb = uncached.Read(thread.regs.rsp, absl::MakeSpan(b));
    ASSERT_TRUE(na.ok() && nb.ok());
    EXPECT_EQ(*na, *nb);
    EXPECT_EQ(a, b);
  }

  // Modules: the executable and libc with the build ids readelf sees, the PE file, the JIT page.
  char exe_path[4096] = {};
  ASSERT_GT(readlink(absl::StrFormat("/proc/%d/exe", pid).c_str(), exe_path, sizeof(exe_path) - 1), 0);
  const LoadedModule* exe_module = nullptr;
  const LoadedModule* libc = nullptr;
  for (const LoadedModule& module : process.modules().modules()) {
    if (module.path == exe_path) exe_module = &module;
    if (module.path.find("/libc.so.6") != std::string::npos) libc = &module;
  }
  ASSERT_NE(exe_module, nullptr);
  EXPECT_EQ(exe_module->kind, ModuleKind::kElf);
  EXPECT_EQ(absl::BytesToHexString(exe_module->build_id), ReadelfBuildId(exe_path));
  EXPECT_FALSE(exe_module->build_id.empty());
  ASSERT_NE(libc, nullptr);
  EXPECT_EQ(libc->kind, ModuleKind::kElf);
  EXPECT_FALSE(libc->build_id.empty());
  EXPECT_EQ(absl::BytesToHexString(libc->build_id), ReadelfBuildId(libc->path));
  // libc is a shared object: its first PT_LOAD is at 0, so the bias is its base.
  EXPECT_EQ(libc->load_bias, libc->base);

  const LoadedModule* pe = process.modules().FindModule(target.pe);
  ASSERT_NE(pe, nullptr);
  EXPECT_EQ(pe->kind, ModuleKind::kPe);
  const LoadedModule* jit = process.modules().FindModule(target.jit);
  ASSERT_NE(jit, nullptr);
  EXPECT_EQ(jit->kind, ModuleKind::kAnonymousExecutable);
  bool vdso = false;
  for (const LoadedModule& module : process.modules().modules()) {
    if (module.path == "[vdso]") {
      vdso = true;
      EXPECT_EQ(module.kind, ModuleKind::kElf);
      EXPECT_FALSE(module.build_id.empty());
    }
  }
  EXPECT_TRUE(vdso);

  ASSERT_TRUE(process.Detach().ok());
  EXPECT_TRUE(process.Detach().ok());  // idempotent
  EXPECT_FALSE(process.died_while_frozen());
  ExpectRunning(*target.child);
}

TEST(FrozenProcessTest, TargetKilledWhileFrozenIsReportedAtDetach) {
  Target target = StartTarget();
  ASSERT_NE(target.child, nullptr);
  absl::StatusOr<std::unique_ptr<FrozenProcess>> frozen = FrozenProcess::Freeze(target.child->pid());
  ASSERT_TRUE(frozen.ok()) << frozen.status();
  ASSERT_EQ(kill(target.child->pid(), SIGKILL), 0);
  EXPECT_TRUE((*frozen)->Detach().ok());
  EXPECT_TRUE((*frozen)->died_while_frozen());
}

TEST(FrozenProcessTest, DestructorDetaches) {
  Target target = StartTarget();
  ASSERT_NE(target.child, nullptr);
  {
    absl::StatusOr<std::unique_ptr<FrozenProcess>> frozen = FrozenProcess::Freeze(target.child->pid());
    ASSERT_TRUE(frozen.ok()) << frozen.status();
  }
  ExpectRunning(*target.child);
}

TEST(FrozenProcessTest, NonexistentPidIsNotFound) {
  absl::StatusOr<std::unique_ptr<FrozenProcess>> frozen = FrozenProcess::Freeze(0x7ffffff0);
  EXPECT_TRUE(absl::IsNotFound(frozen.status())) << frozen.status();
  EXPECT_THAT(frozen.status().message(), HasSubstr("does not exist"));
  EXPECT_TRUE(absl::IsInvalidArgument(FrozenProcess::Freeze(0).status()));
}

TEST(FrozenProcessTest, UnprivilegedTracerGetsPermissionDenied) {
  Target target = StartTarget();
  ASSERT_NE(target.child, nullptr);
  const pid_t pid = target.child->pid();
  absl::StatusOr<std::unique_ptr<TestChild>> tracer = TestChild::Start([pid](Channel& channel) {
    if (setresgid(65534, 65534, 65534) != 0 || setresuid(65534, 65534, 65534) != 0) {
      channel.Send("setresuid failed").IgnoreError();
      return;
    }
    absl::StatusOr<std::unique_ptr<FrozenProcess>> frozen = FrozenProcess::Freeze(pid);
    channel.Send(frozen.status().ToString()).IgnoreError();
  });
  ASSERT_TRUE(tracer.ok());
  absl::StatusOr<std::string> result = (*tracer)->channel().Receive(absl::Seconds(30));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_THAT(*result, HasSubstr("PERMISSION_DENIED"));
  EXPECT_THAT(*result, HasSubstr("Operation not permitted"));
  ExpectRunning(*target.child);
}

// PTRACE_SEIZE leaves no SIGSTOP behind, and the kernel detaches the tracees of a tracer that
// dies: a ddreport killed mid-freeze must not leave the target stopped.
TEST(FrozenProcessTest, TargetRunsOnWhenTheTracerIsKilledMidFreeze) {
  Target target = StartTarget();
  ASSERT_NE(target.child, nullptr);
  const pid_t pid = target.child->pid();
  absl::StatusOr<std::unique_ptr<TestChild>> tracer = TestChild::Start([pid](Channel& channel) {
    absl::StatusOr<std::unique_ptr<FrozenProcess>> frozen = FrozenProcess::Freeze(pid);
    channel.Send(frozen.ok() ? absl::StrCat("frozen ", (*frozen)->threads().size())
                             : frozen.status().ToString())
        .IgnoreError();
    while (true) pause();  // holding the target until killed
  });
  ASSERT_TRUE(tracer.ok());
  absl::StatusOr<std::string> result = (*tracer)->channel().Receive(absl::Seconds(30));
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_THAT(*result, HasSubstr("frozen"));

  // Frozen now: the target cannot answer.
  ASSERT_TRUE(target.child->channel().Send("ping").ok());
  EXPECT_TRUE(absl::IsDeadlineExceeded(
      target.child->channel().Receive(absl::Milliseconds(200)).status()));
  ASSERT_TRUE((*tracer)->KillAndReap().ok());
  // The pending ping is answered once the kernel has let the target go.
  absl::StatusOr<std::string> reply = target.child->channel().Receive(absl::Seconds(10));
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(*reply, "pong");
  ExpectRunning(*target.child);
}

// A thread that called vfork() sleeps killably until its child execs or exits: PTRACE_INTERRUPT
// cannot stop it, so it is a thread that deterministically misses every stop timeout.
int g_vfork_release[2];
std::atomic<pid_t> g_vforking_tid{0};

void* Vforker(void*) {
  pthread_setname_np(pthread_self(), "vforker");
  g_vforking_tid = static_cast<pid_t>(syscall(SYS_gettid));
  pid_t child = vfork();
  if (child == 0) {
    char c;
    (void)!read(g_vfork_release[0], &c, 1);
    _exit(0);
  }
  waitpid(child, nullptr, 0);
  while (true) pause();
  return nullptr;
}

// Reports the vforking thread's tid once it is inside vfork, then answers "release" (lets the
// vfork child exit) with "released" and "ping" with "pong".
void PartlyStoppableMain(Channel& channel) {
  if (pipe(g_pipe) != 0 || pipe(g_vfork_release) != 0) _exit(1);
  for (intptr_t i = 0; i < 4; ++i) {
    pthread_t thread;
    pthread_create(&thread, nullptr, Blocked, reinterpret_cast<void*>(i));
  }
  pthread_t thread;
  pthread_create(&thread, nullptr, Vforker, nullptr);
  while (g_vforking_tid == 0) usleep(1000);
  usleep(200 * 1000);  // into vfork's wait
  channel.Send(absl::StrCat(g_vforking_tid.load())).IgnoreError();
  while (true) {
    absl::StatusOr<std::string> line = channel.Receive();
    if (!line.ok()) _exit(0);
    if (*line == "release") {
      (void)!write(g_vfork_release[1], "x", 1);
      channel.Send("released").IgnoreError();
    } else {
      channel.Send("pong").IgnoreError();
    }
  }
}

TEST(FrozenProcessTest, ThreadThatCannotStopIsRecordedWhileTheOthersFreeze) {
  absl::StatusOr<std::unique_ptr<TestChild>> child = TestChild::Start(PartlyStoppableMain);
  ASSERT_TRUE(child.ok()) << child.status();
  absl::StatusOr<std::string> line = (*child)->channel().Receive(absl::Seconds(30));
  ASSERT_TRUE(line.ok()) << line.status();
  pid_t vforking = 0;
  ASSERT_TRUE(absl::SimpleAtoi(*line, &vforking));

  FreezeOptions options;
  options.thread_stop_timeout = absl::Milliseconds(100);
  absl::StatusOr<std::unique_ptr<FrozenProcess>> frozen =
      FrozenProcess::Freeze((*child)->pid(), options);
  ASSERT_TRUE(frozen.ok()) << frozen.status();
  int stopped = 0;
  bool saw_vforking = false;
  for (const ThreadState& thread : (*frozen)->threads()) {
    if (thread.tid == vforking) {
      saw_vforking = true;
      EXPECT_FALSE(thread.stopped);
      EXPECT_THAT(thread.error, HasSubstr("did not stop"));
    } else {
      EXPECT_TRUE(thread.stopped) << thread.tid << ": " << thread.error;
      EXPECT_TRUE(thread.error.empty()) << thread.error;
      EXPECT_NE(thread.regs.rip, 0u) << thread.tid;
      ++stopped;
    }
  }
  EXPECT_TRUE(saw_vforking);
  EXPECT_EQ(stopped, 5);  // the main thread and the four blocked ones

  // Detach lets the stopped threads go and says which one it could not detach.
  absl::Status detached = (*frozen)->Detach();
  EXPECT_FALSE(detached.ok());
  EXPECT_THAT(detached.message(), HasSubstr(absl::StrCat(vforking, " (never stopped)")));

  // Once the vfork child exits, the interrupt lands, and a second Detach releases that thread.
  ASSERT_TRUE((*child)->channel().Send("release").ok());
  absl::StatusOr<std::string> released = (*child)->channel().Receive(absl::Seconds(10));
  ASSERT_TRUE(released.ok()) << released.status();
  EXPECT_TRUE((*frozen)->Detach().ok());
  ASSERT_TRUE((*child)->channel().Send("ping").ok());
  absl::StatusOr<std::string> pong = (*child)->channel().Receive(absl::Seconds(10));
  ASSERT_TRUE(pong.ok()) << pong.status();
  absl::StatusOr<std::string> stat =
      ReadProcFile(absl::StrFormat("/proc/%d/task/%d/stat", (*child)->pid(), vforking));
  ASSERT_TRUE(stat.ok()) << stat.status();
  EXPECT_NE(ParseStatState(*stat), 't');
}

TEST(FrozenProcessTest, PastDeadlineRecordsEveryUnstoppedThreadWithItsReason) {
  Target target = StartTarget();
  ASSERT_NE(target.child, nullptr);
  FreezeOptions options;
  options.deadline = absl::Now();
  absl::StatusOr<std::unique_ptr<FrozenProcess>> frozen =
      FrozenProcess::Freeze(target.child->pid(), options);
  // With no time at all, either nothing stopped (NotFound) or what did not stop says why.
  if (frozen.ok()) {
    for (const ThreadState& thread : (*frozen)->threads()) {
      EXPECT_EQ(thread.stopped, thread.error.empty()) << thread.tid << ": " << thread.error;
    }
    EXPECT_TRUE((*frozen)->Detach().ok());
  } else {
    EXPECT_TRUE(absl::IsNotFound(frozen.status())) << frozen.status();
  }
  ExpectRunning(*target.child);
}

TEST(FrozenProcessTest, TargetExitingMidFreezeIsHandled) {
  for (int round = 0; round < 20; ++round) {
    absl::StatusOr<std::unique_ptr<TestChild>> child = TestChild::Start([round](Channel& channel) {
      for (int i = 0; i < 8; ++i) {
        pthread_t thread;
        pthread_create(&thread, nullptr, Spinner, nullptr);
      }
      channel.Send("go").IgnoreError();
      usleep(static_cast<useconds_t>(round * 150));
      _exit(0);
    });
    ASSERT_TRUE(child.ok());
    ASSERT_TRUE((*child)->channel().Receive(absl::Seconds(30)).ok());
    absl::StatusOr<std::unique_ptr<FrozenProcess>> frozen =
        FrozenProcess::Freeze((*child)->pid());
    if (frozen.ok()) {
      (*frozen)->Detach().IgnoreError();
    } else {
      EXPECT_TRUE(absl::IsNotFound(frozen.status()) ||
                  absl::IsFailedPrecondition(frozen.status()))
          << frozen.status();
    }
  }
}

}  // namespace
}  // namespace ddcrash
