// libddhook.so: turns the .NET runtime's crash-time launch of createdump into a launch of
// ddreport. Preloaded (LD_PRELOAD) into .NET processes.
//
// At load time it enables the runtime's crash-dump launch with a marker dump name, remembers
// what the user had asked for, and prepares every string the exec path needs. The execve
// interposer runs in the forked child of a crashing, multithreaded process: it only reads
// prepared data, scans argv/envp, fills static arrays and calls the real execve — no malloc,
// no locks, no stdio. Written in C with libc as its only dependency.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <limits.h>
#include <signal.h>
#include <sys/time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef int (*execve_fn)(const char*, char* const[], char* const[]);

// Part of the dump name that marks a crash launch done for us; on-demand dumps (dotnet-dump,
// diagnostics IPC) carry their own names and pass through untouched.
#define MARKER "ddcrash-hook-marker"
#define MAX_ARGS 128
#define MAX_ENV 1024

// Variables through which ddreport learns what the user had configured.
#define ENV_USER_WANTS_DUMP "DDCRASH_USER_DUMP"
#define ENV_USER_DUMP_NAME "DDCRASH_USER_DUMP_NAME"

static execve_fn real_execve;
static int hook_enabled;
static char reporter_path[PATH_MAX];
// "DDCRASH_USER_DUMP=0|1" and "DDCRASH_USER_DUMP_NAME=<name>" for ddreport's environment.
static char user_dump_env[64];
static char user_dump_name_env[PATH_MAX + 64];
static char* exec_argv[MAX_ARGS + 3];
// The crashing app waits for ddreport. An interval timer survives execve, so arming it here,
// before ddreport starts, bounds the wait even if ddreport hangs before it can arm its own:
// SIGALRM's default action ends it and the app resumes. DDCRASH_TIMEOUT_MS + 1 s of grace.
static struct itimerval watchdog;

#define DEFAULT_TIMEOUT_MS 5000
#define WATCHDOG_GRACE_MS 1000
static char* exec_envp[MAX_ENV + 3];

static int starts_with(const char* s, const char* prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

static const char* basename_of(const char* path) {
  const char* slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

static int copy_string(char* dst, size_t size, const char* a, const char* b) {
  size_t la = strlen(a), lb = b ? strlen(b) : 0;
  if (la + lb + 1 > size) return 0;
  memcpy(dst, a, la);
  if (lb) memcpy(dst + la, b, lb);
  dst[la + lb] = '\0';
  return 1;
}

// The user's own DbgEnableMiniDump / DbgMiniDumpName, before we change them. A process
// started by a hooked process inherits our changes, so the first hook records the user's
// values in DDCRASH_USER_DUMP* and later ones read them from there.
static void remember_user_dump_settings(void) {
  const char* wants = getenv(ENV_USER_WANTS_DUMP);
  const char* name = getenv(ENV_USER_DUMP_NAME);
  if (wants == NULL) {
    const char* enable = getenv("DOTNET_DbgEnableMiniDump");
    if (enable == NULL) enable = getenv("COMPlus_DbgEnableMiniDump");
    wants = (enable != NULL && strcmp(enable, "1") == 0) ? "1" : "0";
    name = getenv("DOTNET_DbgMiniDumpName");
    if (name == NULL) name = getenv("COMPlus_DbgMiniDumpName");
    if (name == NULL) name = "";
    setenv(ENV_USER_WANTS_DUMP, wants, 1);
    setenv(ENV_USER_DUMP_NAME, name, 1);
  }
  if (name == NULL) name = "";
  copy_string(user_dump_env, sizeof(user_dump_env), ENV_USER_WANTS_DUMP "=", wants);
  if (!copy_string(user_dump_name_env, sizeof(user_dump_name_env), ENV_USER_DUMP_NAME "=", name)) {
    copy_string(user_dump_name_env, sizeof(user_dump_name_env), ENV_USER_DUMP_NAME "=", "");
  }
}

// DDCRASH_TIMEOUT_MS as ddreport reads it (a positive decimal), else the default.
static long timeout_ms(void) {
  const char* text = getenv("DDCRASH_TIMEOUT_MS");
  long value = 0;
  if (text == NULL || *text == '\0') return DEFAULT_TIMEOUT_MS;
  for (; *text != '\0'; ++text) {
    if (*text < '0' || *text > '9' || value > 600000) return DEFAULT_TIMEOUT_MS;
    value = value * 10 + (*text - '0');
  }
  return value > 0 ? value : DEFAULT_TIMEOUT_MS;
}

static int locate_reporter(void) {
  const char* configured = getenv("DDCRASH_REPORTER");
  if (configured != NULL && configured[0] != '\0') {
    return copy_string(reporter_path, sizeof(reporter_path), configured, NULL);
  }
  // Default: ddreport beside this library.
  Dl_info info;
  if (dladdr((void*)&locate_reporter, &info) == 0 || info.dli_fname == NULL) return 0;
  const char* slash = strrchr(info.dli_fname, '/');
  if (slash == NULL) return copy_string(reporter_path, sizeof(reporter_path), "./ddreport", NULL);
  size_t dir_length = (size_t)(slash - info.dli_fname) + 1;
  if (dir_length + sizeof("ddreport") > sizeof(reporter_path)) return 0;
  memcpy(reporter_path, info.dli_fname, dir_length);
  memcpy(reporter_path + dir_length, "ddreport", sizeof("ddreport"));
  return 1;
}

__attribute__((constructor)) static void ddhook_init(void) {
  real_execve = (execve_fn)dlsym(RTLD_NEXT, "execve");
  const char* enabled = getenv("DDCRASH_ENABLED");
  if (enabled != NULL && strcmp(enabled, "0") == 0) return;
  if (real_execve == NULL || !locate_reporter() || access(reporter_path, X_OK) != 0) return;
  remember_user_dump_settings();
  const long budget_ms = timeout_ms() + WATCHDOG_GRACE_MS;
  watchdog.it_value.tv_sec = budget_ms / 1000;
  watchdog.it_value.tv_usec = (budget_ms % 1000) * 1000;
  // The runtime reads these when it starts, after preload constructors have run. The name
  // keeps the runtime's %p so the launch is recognisable and unique per process.
  setenv("DOTNET_DbgEnableMiniDump", "1", 1);
  setenv("DOTNET_DbgMiniDumpName", "/tmp/" MARKER ".%p", 1);
  unsetenv("COMPlus_DbgEnableMiniDump");
  unsetenv("COMPlus_DbgMiniDumpName");
  hook_enabled = 1;
}

// True for ".../createdump ... --name <...marker...> ...".
static int is_marked_crash_launch(const char* path, char* const argv[]) {
  if (strcmp(basename_of(path), "createdump") != 0 || argv == NULL) return 0;
  for (int i = 0; argv[i] != NULL && i < MAX_ARGS; ++i) {
    if ((strcmp(argv[i], "--name") == 0 || strcmp(argv[i], "-f") == 0) && argv[i + 1] != NULL &&
        strstr(argv[i + 1], MARKER) != NULL) {
      return 1;
    }
  }
  return 0;
}

// Variables ddreport must not inherit: the preload itself (ddreport and any createdump it
// runs must not be hooked) and the crash-dump switches we set.
static int is_dropped_variable(const char* entry) {
  return starts_with(entry, "LD_PRELOAD=") || starts_with(entry, "DOTNET_DbgEnableMiniDump=") ||
         starts_with(entry, "COMPlus_DbgEnableMiniDump=") ||
         starts_with(entry, "DOTNET_DbgMiniDumpName=") ||
         starts_with(entry, "COMPlus_DbgMiniDumpName=") ||
         starts_with(entry, ENV_USER_WANTS_DUMP "=") || starts_with(entry, ENV_USER_DUMP_NAME "=");
}

__attribute__((visibility("default"))) int execve(const char* path, char* const argv[], char* const envp[]) {
  if (real_execve == NULL) {
    // Only before our constructor ran (another preload's constructor exec'ing): find it now.
    real_execve = (execve_fn)dlsym(RTLD_NEXT, "execve");
    if (real_execve == NULL) return -1;
  }
  // glibc declares `path` nonnull, but a buggy caller must get EFAULT from the kernel, not a
  // crash in our strcmp.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnonnull-compare"
  const int path_is_null = path == NULL;
#pragma GCC diagnostic pop
  if (!hook_enabled || path_is_null || !is_marked_crash_launch(path, argv)) {
    return real_execve(path, argv, envp);
  }
  // ddreport createdump <createdump path> <original arguments...>
  int n = 0;
  exec_argv[n++] = reporter_path;
  exec_argv[n++] = (char*)"createdump";
  exec_argv[n++] = (char*)path;
  for (int i = 1; argv[i] != NULL; ++i) {
    if (n >= MAX_ARGS + 2) return real_execve(path, argv, envp);  // not ours to truncate
    exec_argv[n++] = argv[i];
  }
  exec_argv[n] = NULL;

  int e = 0;
  exec_envp[e++] = user_dump_env;
  exec_envp[e++] = user_dump_name_env;
  for (int i = 0; envp != NULL && envp[i] != NULL && e < MAX_ENV + 2; ++i) {
    if (!is_dropped_variable(envp[i])) exec_envp[e++] = envp[i];
  }
  exec_envp[e] = NULL;
  // The timer's signal must be able to act: default disposition, not blocked (both are
  // inherited across execve from the crashing app).
  struct sigaction default_action;
  memset(&default_action, 0, sizeof(default_action));
  default_action.sa_handler = SIG_DFL;
  sigaction(SIGALRM, &default_action, NULL);
  sigset_t alarm_only;
  sigemptyset(&alarm_only);
  sigaddset(&alarm_only, SIGALRM);
  sigprocmask(SIG_UNBLOCK, &alarm_only, NULL);
  setitimer(ITIMER_REAL, &watchdog, NULL);
  real_execve(reporter_path, exec_argv, exec_envp);
  const struct itimerval disarmed = {{0, 0}, {0, 0}};
  setitimer(ITIMER_REAL, &disarmed, NULL);
  // ddreport could not be started. Do what the runtime would have done without us: a dump
  // under the user's own name if they asked for one, else nothing.
  if (user_dump_env[sizeof(ENV_USER_WANTS_DUMP)] != '1') _exit(127);
  const char* user_name = user_dump_name_env + sizeof(ENV_USER_DUMP_NAME);
  n = 0;
  for (int i = 0; argv[i] != NULL && n < MAX_ARGS; ++i) {
    if ((strcmp(argv[i], "--name") == 0 || strcmp(argv[i], "-f") == 0) && argv[i + 1] != NULL) {
      if (user_name[0] != '\0') {
        exec_argv[n++] = argv[i];
        exec_argv[n++] = (char*)user_name;
      }
      ++i;
      continue;
    }
    exec_argv[n++] = argv[i];
  }
  exec_argv[n] = NULL;
  return real_execve(path, exec_argv, envp);
}
