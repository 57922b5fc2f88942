// A process with known native stacks, for unwinder tests. It builds the stack its mode asks
// for, writes "ready\n" to stdout, then blocks in fixture::Block (a pause() loop) until the
// test kills it. Built with -O2 -fomit-frame-pointer (see BUILD.bazel).
//
//   recursion  main -> LevelA -> LevelB -> Recurse(400) x401 -> Block
//   sigaltstack main -> SignalLevel -> raise(SIGUSR1) ... [signal frame on the alternate stack]
//              -> Handler -> Block
//   jit        main -> JitCaller -> [anonymous PROT_EXEC trampoline] -> JitCallee -> Block
//   pe FILE    main -> PeCaller -> [trampoline at offset 0x1000 of FILE, mapped PROT_EXEC;
//              FILE starts with "MZ"] -> PeCallee -> Block
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#if defined(__clang__)
#define FIXTURE_NOINLINE __attribute__((noinline))
#else
#define FIXTURE_NOINLINE __attribute__((noipa))
#endif

// An empty asm after each call keeps the call from becoming a tail call.
#define KEEP_FRAME() asm volatile("" ::: "memory")

namespace fixture {

// push %rbp; mov %rsp,%rbp; call *%rdi; pop %rbp; ret  -- no unwind information anywhere.
const unsigned char kTrampoline[] = {0x55, 0x48, 0x89, 0xe5, 0xff, 0xd7, 0x5d, 0xc3};
using TrampolineFn = void (*)(void (*)());

FIXTURE_NOINLINE void Block() {
  static const char kReady[] = "ready\n";
  if (write(1, kReady, sizeof(kReady) - 1) < 0) _exit(3);
  for (;;) pause();
}

FIXTURE_NOINLINE int Recurse(int n) {
  int r = 0;
  if (n == 0) {
    Block();
  } else {
    r = Recurse(n - 1);
  }
  asm volatile("" : "+r"(r)::"memory");
  return r + 1;
}

FIXTURE_NOINLINE void LevelB() {
  Recurse(400);
  KEEP_FRAME();
}

FIXTURE_NOINLINE void LevelA() {
  LevelB();
  KEEP_FRAME();
}

FIXTURE_NOINLINE void Handler(int) {
  Block();
  KEEP_FRAME();
}

FIXTURE_NOINLINE void SignalLevel() {
  static char alt_stack[1 << 16];
  stack_t ss = {};
  ss.ss_sp = alt_stack;
  ss.ss_size = sizeof(alt_stack);
  if (sigaltstack(&ss, nullptr) != 0) _exit(4);
  struct sigaction sa = {};
  sa.sa_handler = &Handler;
  sa.sa_flags = SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGUSR1, &sa, nullptr) != 0) _exit(5);
  raise(SIGUSR1);
  KEEP_FRAME();
}

FIXTURE_NOINLINE void JitCallee() {
  Block();
  KEEP_FRAME();
}

FIXTURE_NOINLINE void JitCaller() {
  void* page = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED) _exit(6);
  memcpy(page, kTrampoline, sizeof(kTrampoline));
  if (mprotect(page, 4096, PROT_READ | PROT_EXEC) != 0) _exit(7);
  reinterpret_cast<TrampolineFn>(page)(&JitCallee);
  KEEP_FRAME();
}

FIXTURE_NOINLINE void PeCallee() {
  Block();
  KEEP_FRAME();
}

FIXTURE_NOINLINE void PeCaller(const char* path) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) _exit(8);
  void* image = mmap(nullptr, 0x2000, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
  if (image == MAP_FAILED) _exit(9);
  close(fd);
  reinterpret_cast<TrampolineFn>(static_cast<char*>(image) + 0x1000)(&PeCallee);
  KEEP_FRAME();
}

}  // namespace fixture

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  if (strcmp(argv[1], "recursion") == 0) {
    fixture::LevelA();
  } else if (strcmp(argv[1], "sigaltstack") == 0) {
    fixture::SignalLevel();
  } else if (strcmp(argv[1], "jit") == 0) {
    fixture::JitCaller();
  } else if (strcmp(argv[1], "pe") == 0 && argc > 2) {
    fixture::PeCaller(argv[2]);
  } else {
    return 2;
  }
  KEEP_FRAME();
  return 0;
}
