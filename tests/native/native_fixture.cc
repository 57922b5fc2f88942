// A process with known native stacks for the end-to-end tests of `ddreport --pid`. Built with
// -O2 -fomit-frame-pointer: every caller frame must come from CFI. Once every thread is in
// place it prints "READY <pid>" on stdout; then its main thread answers each line read from
// stdin with "pong <line>" (so a test can check that the process still responds), and exits
// at end of input. Every other thread is parked in native_fixture::Park (a pause() loop).
//
//   shapes            8 threads, each with its own recursion shape (see the Shape* functions),
//                     named "shape-0" .. "shape-7"
//   flat N DEPTH      N threads: ThreadMain -> Descend x DEPTH -> Park, named "flat"
//   deep DEPTH        1 thread:  DeepMain -> Deep x DEPTH -> Park, named "deep"
//   pe FILE           1 thread:  PeCaller -> [trampoline at offset 0x1000 of FILE, which the
//                     fixture maps PROT_READ|PROT_EXEC; FILE starts with "MZ"] -> PeCallee -> Park
//   churn N DEPTH     threads that come and go: a "spawner" thread keeps N short-lived threads
//                     alive, each ChurnMain -> ChurnDescend x DEPTH -> a sleep of 0..4 ms ->
//                     return (exit), named "churn", replaced as soon as it exits. READY once N
//                     are alive; the spawner and churn threads are not parked.
// In every mode, the stdin line "exit-after MS" starts a thread that sleeps MS milliseconds
// and then ends the process with _exit(0) (exit_group, from a thread of its own); the main
// thread answers "exiting".
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <vector>

#if defined(__clang__)
#define NF_NOINLINE __attribute__((noinline))
#else
#define NF_NOINLINE __attribute__((noipa))
#endif

// An empty asm after a call keeps it from becoming a tail call (one frame per call).
#define KEEP_FRAME() asm volatile("" ::: "memory")

namespace native_fixture {

std::atomic<int> g_ready{0};
// Never set: keeps the compiler from treating Park (and its callers) as non-returning.
volatile bool g_release = false;

NF_NOINLINE void Park() {
  g_ready.fetch_add(1);
  while (!g_release) pause();
  KEEP_FRAME();
}

// --- shapes -----------------------------------------------------------------------------------

// Shape 0: plain linear recursion, 5 deep.
NF_NOINLINE int Linear(int n) {
  int r = 0;
  if (n <= 1) {
    Park();
  } else {
    r = Linear(n - 1);
  }
  asm volatile("" : "+r"(r)::"memory");
  return r + 1;
}

// Shape 1: mutual recursion Ping -> Pong -> Ping ... (7 frames).
NF_NOINLINE int Pong(int n);
NF_NOINLINE int Ping(int n) {
  int r = 0;
  if (n <= 0) {
    Park();
  } else {
    r = Pong(n - 1);
  }
  asm volatile("" : "+r"(r)::"memory");
  return r + 1;
}
NF_NOINLINE int Pong(int n) {
  int r = 0;
  if (n <= 0) {
    Park();
  } else {
    r = Ping(n - 1);
  }
  asm volatile("" : "+r"(r)::"memory");
  return r + 2;
}

// Shape 2: a fixed chain of three distinct functions.
NF_NOINLINE void Gamma() {
  Park();
  KEEP_FRAME();
}
NF_NOINLINE void Beta() {
  Gamma();
  KEEP_FRAME();
}
NF_NOINLINE void Alpha() {
  Beta();
  KEEP_FRAME();
}

// Shape 3: big frames (a 16 KiB local array per level), 4 deep.
NF_NOINLINE int BigFrame(int n) {
  volatile char buffer[16384];
  buffer[0] = static_cast<char>(n);
  buffer[sizeof(buffer) - 1] = static_cast<char>(n);
  int r = 0;
  if (n <= 1) {
    Park();
  } else {
    r = BigFrame(n - 1);
  }
  asm volatile("" : "+r"(r)::"memory");
  return r + buffer[0] + buffer[sizeof(buffer) - 1];
}

// Shape 4: recursion through a function pointer (indirect calls), 3 deep.
using IndirectFn = int (*)(int);
NF_NOINLINE int Indirect(int n);
volatile IndirectFn g_indirect = &Indirect;
NF_NOINLINE int Indirect(int n) {
  int r = 0;
  if (n <= 1) {
    Park();
  } else {
    r = g_indirect(n - 1);
  }
  asm volatile("" : "+r"(r)::"memory");
  return r + 1;
}

// Shape 5: template recursion: Unroll<3>::Go -> Unroll<2>::Go -> Unroll<1>::Go -> Unroll<0>::Go.
template <int N>
struct Unroll {
  NF_NOINLINE static int Go(int x) {
    int r = Unroll<N - 1>::Go(x + 1);
    asm volatile("" : "+r"(r)::"memory");
    return r + N;
  }
};
template <>
struct Unroll<0> {
  NF_NOINLINE static int Go(int x) {
    Park();
    asm volatile("" : "+r"(x)::"memory");
    return x;
  }
};

// Shape 6: alternating odd/even descent that leaves the recursion through a lambda-free
// helper: Zig(4) -> Zag(3) -> Zig(2) -> Zag(1) -> Leaf.
NF_NOINLINE void Leaf() {
  Park();
  KEEP_FRAME();
}
NF_NOINLINE void Zag(int n);
NF_NOINLINE void Zig(int n) {
  if (n <= 0) {
    Leaf();
  } else {
    Zag(n - 1);
  }
  KEEP_FRAME();
}
NF_NOINLINE void Zag(int n) {
  if (n <= 0) {
    Leaf();
  } else {
    Zig(n - 1);
  }
  KEEP_FRAME();
}

// Shape 7: a medium-depth recursion (60 deep) in a function with several arguments.
NF_NOINLINE long Medium(int n, long a, long b, long c) {
  long r = 0;
  if (n <= 1) {
    Park();
  } else {
    r = Medium(n - 1, a + 1, b * 3, c ^ n);
  }
  asm volatile("" : "+r"(r)::"memory");
  return r + a + b + c;
}

NF_NOINLINE void* ShapeMain(void* arg) {
  const long shape = reinterpret_cast<long>(arg);
  switch (shape) {
    case 0: Linear(5); break;
    case 1: Ping(6); break;
    case 2: Alpha(); break;
    case 3: BigFrame(4); break;
    case 4: Indirect(3); break;
    case 5: Unroll<3>::Go(0); break;
    case 6: Zig(4); break;
    case 7: Medium(60, 1, 2, 3); break;
  }
  KEEP_FRAME();
  return nullptr;
}

// --- flat -------------------------------------------------------------------------------------

int g_flat_depth = 1;

NF_NOINLINE int Descend(int level) {
  int r = 0;
  if (level <= 1) {
    Park();
  } else {
    r = Descend(level - 1);
  }
  asm volatile("" : "+r"(r)::"memory");
  return r + 1;
}

NF_NOINLINE void* ThreadMain(void*) {
  Descend(g_flat_depth);
  KEEP_FRAME();
  return nullptr;
}

// --- deep -------------------------------------------------------------------------------------

int g_deep_depth = 1;

NF_NOINLINE int Deep(int level) {
  int r = 0;
  if (level <= 1) {
    Park();
  } else {
    r = Deep(level - 1);
  }
  asm volatile("" : "+r"(r)::"memory");
  return r + 1;
}

NF_NOINLINE void* DeepMain(void*) {
  Deep(g_deep_depth);
  KEEP_FRAME();
  return nullptr;
}

// --- pe ---------------------------------------------------------------------------------------

// push %rbp; mov %rsp,%rbp; call *%rdi; pop %rbp; ret  -- no unwind information anywhere.
const unsigned char kTrampoline[] = {0x55, 0x48, 0x89, 0xe5, 0xff, 0xd7, 0x5d, 0xc3};
using TrampolineFn = void (*)(void (*)());
const char* g_pe_path = nullptr;

NF_NOINLINE void PeCallee() {
  Park();
  KEEP_FRAME();
}

NF_NOINLINE void* PeCaller(void*) {
  int fd = open(g_pe_path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    perror("open");
    _exit(8);
  }
  void* image = mmap(nullptr, 0x2000, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
  if (image == MAP_FAILED) {
    perror("mmap");
    _exit(9);
  }
  close(fd);
  if (memcmp(static_cast<char*>(image) + 0x1000, kTrampoline, sizeof(kTrampoline)) != 0) {
    fprintf(stderr, "%s has no trampoline at offset 0x1000\n", g_pe_path);
    _exit(10);
  }
  reinterpret_cast<TrampolineFn>(static_cast<char*>(image) + 0x1000)(&PeCallee);
  KEEP_FRAME();
  return nullptr;
}

// --- churn ------------------------------------------------------------------------------------

int g_churn_target = 0;
std::atomic<int> g_churn_live{0};
std::atomic<unsigned> g_churn_seed{12345};

NF_NOINLINE int ChurnDescend(int level, long sleep_ns) {
  int r = 0;
  if (level <= 1) {
    struct timespec delay = {0, sleep_ns};
    while (nanosleep(&delay, &delay) != 0) {
    }
  } else {
    r = ChurnDescend(level - 1, sleep_ns);
  }
  asm volatile("" : "+r"(r)::"memory");
  return r + 1;
}

NF_NOINLINE void* ChurnMain(void*) {
  // Named from the thread itself: a detached thread may be gone before its creator could.
  pthread_setname_np(pthread_self(), "churn");
  // A xorshift step per thread: sleeps spread over 0..4 ms.
  unsigned x = g_churn_seed.fetch_add(0x9e3779b9u);
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  ChurnDescend(g_flat_depth, static_cast<long>(x % 4000) * 1000);
  g_churn_live.fetch_sub(1);
  KEEP_FRAME();
  return nullptr;
}

NF_NOINLINE void* Spawner(void*) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 64 * 1024 + static_cast<size_t>(g_flat_depth) * 256);
  while (true) {
    if (g_churn_live.load() >= g_churn_target) {
      usleep(100);
      continue;
    }
    g_churn_live.fetch_add(1);
    pthread_t id;
    if (pthread_create(&id, &attr, &ChurnMain, nullptr) != 0) {
      g_churn_live.fetch_sub(1);
      usleep(1000);
    }
  }
  return nullptr;
}

// --- exit-after -------------------------------------------------------------------------------

NF_NOINLINE void* ExitAfter(void* arg) {
  const long ms = reinterpret_cast<long>(arg);
  struct timespec delay = {ms / 1000, (ms % 1000) * 1000000};
  while (nanosleep(&delay, &delay) != 0) {
  }
  _exit(0);
}

// --- main -------------------------------------------------------------------------------------

void StartThread(void* (*fn)(void*), void* arg, size_t stack_size, const char* name) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  if (stack_size != 0) pthread_attr_setstacksize(&attr, stack_size);
  pthread_t id;
  const int error = pthread_create(&id, &attr, fn, arg);
  if (error != 0) {
    fprintf(stderr, "pthread_create: %s\n", strerror(error));
    _exit(11);
  }
  pthread_attr_destroy(&attr);
  pthread_setname_np(id, name);
}

int Usage() {
  fprintf(stderr,
          "usage: native_fixture shapes | flat N DEPTH | deep DEPTH | pe FILE | churn N DEPTH\n");
  return 2;
}

}  // namespace native_fixture

int main(int argc, char** argv) {
  using namespace native_fixture;
  if (argc < 2) return Usage();
  const std::string mode = argv[1];
  int threads = 0;
  if (mode == "shapes") {
    threads = 8;
    for (long i = 0; i < threads; ++i) {
      char name[16];
      snprintf(name, sizeof(name), "shape-%ld", i);
      StartThread(&ShapeMain, reinterpret_cast<void*>(i), 0, name);
    }
  } else if (mode == "flat" && argc == 4) {
    threads = atoi(argv[2]);
    g_flat_depth = atoi(argv[3]);
    if (threads < 1 || g_flat_depth < 1) return Usage();
    for (int i = 0; i < threads; ++i) {
      StartThread(&ThreadMain, nullptr, 64 * 1024 + static_cast<size_t>(g_flat_depth) * 256, "flat");
    }
  } else if (mode == "deep" && argc == 3) {
    threads = 1;
    g_deep_depth = atoi(argv[2]);
    if (g_deep_depth < 1) return Usage();
    StartThread(&DeepMain, nullptr, 1024 * 1024 + static_cast<size_t>(g_deep_depth) * 256, "deep");
  } else if (mode == "pe" && argc == 3) {
    threads = 1;
    g_pe_path = argv[2];
    StartThread(&PeCaller, nullptr, 0, "pe");
  } else if (mode == "churn" && argc == 4) {
    g_churn_target = atoi(argv[2]);
    g_flat_depth = atoi(argv[3]);
    if (g_churn_target < 1 || g_flat_depth < 1) return Usage();
    StartThread(&Spawner, nullptr, 0, "spawner");
    while (g_churn_live.load() < g_churn_target) usleep(1000);
  } else {
    return Usage();
  }
  // (Tests then wait until every other thread is blocked in pause(), from /proc.)
  while (g_ready.load() < threads) usleep(1000);
  printf("READY %d\n", getpid());
  fflush(stdout);

  char line[256];
  while (fgets(line, sizeof(line), stdin) != nullptr) {
    if (strncmp(line, "exit-after ", 11) == 0) {
      pthread_t id;
      pthread_attr_t attr;
      pthread_attr_init(&attr);
      pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
      if (pthread_create(&id, &attr, &ExitAfter, reinterpret_cast<void*>(atol(line + 11))) != 0) {
        _exit(12);
      }
      pthread_attr_destroy(&attr);
      printf("exiting\n");
    } else {
      printf("pong %s", line);
    }
    fflush(stdout);
  }
  return 0;
}
