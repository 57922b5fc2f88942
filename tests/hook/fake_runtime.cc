// Behaves like the .NET runtime's crash path, without .NET: a worker thread of a
// multithreaded process takes SIGSEGV; the handler forks, the child execve()s
// "<dir>/createdump --name <DOTNET_DbgMiniDumpName> <pid> --signal 11 --crashthread <tid>
// --code <si_code> --errno <si_errno> --address <fault address>", the parent allows the child
// to ptrace it and waits, then lets the signal kill the process as it would have.
// With FAKE_RUNTIME_EXEC=execv the child calls execv instead, as NativeAOT does. With
// FAKE_RUNTIME_AOT_CHECK=1 it also checks at start-up, as NativeAOT does, that CREATEDUMP_PATH is
// a regular file (through __xstat64@GLIBC_2.2.5, what NativeAOT apps call), and otherwise
// prints NativeAOT's message and launches nothing.
//   usage: fake_runtime CREATEDUMP_PATH
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

// The compat stat entry NativeAOT apps bind to (its runtime is built against glibc < 2.33).
extern "C" int ddcrash_xstat64(int version, const char* path, struct stat* buf);
__asm__(".symver ddcrash_xstat64, __xstat64@GLIBC_2.2.5");

namespace {

constexpr int kWorkers = 4;
const char* g_createdump = nullptr;
const char* g_dump_name = nullptr;
bool g_dumps_enabled = false;
bool g_use_execv = false;
char g_pid[24];

// Async-signal-safe decimal formatting.
void FormatDecimal(unsigned long long value, char* out) {
  char digits[24];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  for (int i = 0; i < n; ++i) out[i] = digits[n - 1 - i];
  out[n] = '\0';
}

void OnFatalSignal(int signal_number, siginfo_t* info, void*) {
  if (g_dumps_enabled) {
    char tid[24], code[24], error[24], address[24], signal_text[24];
    FormatDecimal(static_cast<unsigned long long>(syscall(SYS_gettid)), tid);
    FormatDecimal(static_cast<unsigned long long>(info->si_code), code);
    FormatDecimal(static_cast<unsigned long long>(info->si_errno), error);
    FormatDecimal(reinterpret_cast<unsigned long long>(info->si_addr), address);
    FormatDecimal(static_cast<unsigned long long>(signal_number), signal_text);
    char* argv[] = {const_cast<char*>(g_createdump), const_cast<char*>("--name"),
                    const_cast<char*>(g_dump_name), g_pid, const_cast<char*>("--signal"),
                    signal_text, const_cast<char*>("--crashthread"), tid,
                    const_cast<char*>("--code"), code, const_cast<char*>("--errno"), error,
                    const_cast<char*>("--address"), address, nullptr};
    const pid_t child = fork();
    if (child == 0) {
      if (g_use_execv) {
        execv(g_createdump, argv);
      } else {
        execve(g_createdump, argv, environ);
      }
      _exit(127);
    }
    if (child > 0) {
      prctl(PR_SET_PTRACER, child, 0, 0, 0);
      int status = 0;
      waitpid(child, &status, 0);
    }
  }
  // Back to the default action: returning re-executes the faulting store, which kills us.
  signal(signal_number, SIG_DFL);
}

__attribute__((noinline)) void CrashHere() {
  *reinterpret_cast<volatile int*>(16) = 1;
}

__attribute__((noinline)) void* Worker(void* arg) {
  const long index = reinterpret_cast<long>(arg);
  char name[16];
  snprintf(name, sizeof(name), "fake-worker-%ld", index);
  pthread_setname_np(pthread_self(), name);
  if (index == 2) {
    usleep(100 * 1000);
    CrashHere();
  }
  for (;;) pause();
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: fake_runtime CREATEDUMP_PATH\n");
    return 2;
  }
  g_createdump = argv[1];
  // Like the runtime: read the crash-dump configuration at startup.
  const char* enabled = getenv("DOTNET_DbgEnableMiniDump");
  g_dumps_enabled = enabled != nullptr && strcmp(enabled, "1") == 0;
  g_dump_name = getenv("DOTNET_DbgMiniDumpName");
  const char* exec_kind = getenv("FAKE_RUNTIME_EXEC");
  g_use_execv = exec_kind != nullptr && strcmp(exec_kind, "execv") == 0;
  if (g_dump_name == nullptr) g_dump_name = "/tmp/coredump.%p";
  const char* aot_check = getenv("FAKE_RUNTIME_AOT_CHECK");
  if (g_dumps_enabled && aot_check != nullptr && strcmp(aot_check, "1") == 0) {
    struct stat st;
    if (ddcrash_xstat64(1, g_createdump, &st) == -1 || !S_ISREG(st.st_mode)) {
      fprintf(stderr,
              "DOTNET_DbgEnableMiniDump is set and the createdump binary does not exist: %s\n",
              g_createdump);
      g_dumps_enabled = false;
    }
  }
  FormatDecimal(static_cast<unsigned long long>(getpid()), g_pid);

  static char alt_stack[64 * 1024];
  stack_t ss = {};
  ss.ss_sp = alt_stack;
  ss.ss_size = sizeof(alt_stack);
  struct sigaction action = {};
  action.sa_sigaction = OnFatalSignal;
  action.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&action.sa_mask);
  sigaction(SIGSEGV, &action, nullptr);

  pthread_t threads[kWorkers];
  for (long i = 0; i < kWorkers; ++i) {
    pthread_create(&threads[i], nullptr,
                   [](void* arg) -> void* {
                     static thread_local char stack[64 * 1024];
                     stack_t thread_ss = {};
                     thread_ss.ss_sp = stack;
                     thread_ss.ss_size = sizeof(stack);
                     sigaltstack(&thread_ss, nullptr);
                     return Worker(arg);
                   },
                   reinterpret_cast<void*>(i));
  }
  sigaltstack(&ss, nullptr);
  for (;;) pause();
}
