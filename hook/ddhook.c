// libddhook.so: turns the .NET runtime's crash-time launch of createdump into a launch of
// ddreport. Preloaded (LD_PRELOAD or /etc/ld.so.preload) into .NET processes.
//
// At load time it enables the runtime's crash-dump launch with a marker dump name, remembers
// what the user had asked for, and prepares every string the exec path needs. The execve
// interposer runs in the forked child of a crashing, multithreaded process: it only reads
// prepared data, scans argv/envp, fills static arrays and calls the real execve — no malloc,
// no locks, no stdio. Written in C with libc as its only dependency. The runtimes launch
// createdump with execve (CoreCLR's PAL) or execv (NativeAOT); glibc's execv calls its own
// execve internally, past any interposer, so both are interposed (tests/hook:exec_imports_test
// checks that the runtimes import no other exec-family or spawn function).
//
// It takes over only when it may: never in a secure-execution process (setuid, setgid, file
// capabilities: its environment belongs to a less privileged user; elsewhere settings are read
// with secure_getenv), and only with a reporter that nobody but root and the process's own
// user could have written.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

typedef int (*execve_fn)(const char*, char* const[], char* const[]);

// Part of the dump name that marks a crash launch done for us; on-demand dumps (dotnet-dump,
// diagnostics IPC) carry their own names and pass through untouched.
#define MARKER "ddcrash-hook-marker"
// The dump name the hook sets. Nobody, root included, can create a file in /proc: a runtime
// that inherits this name without the hook taking over (LD_PRELOAD dropped) launches its
// createdump, which fails to create the dump and writes nothing.
#define MARKER_DUMP_NAME "/proc/" MARKER ".%p"
#define MAX_ARGS 128
// ddreport's environment: the DDCRASH_* settings go first, so only ordinary variables beyond
// this many can be left out.
#define MAX_ENV 16384

// Variables through which ddreport (and hooks in child processes) learn what the user had
// configured before the hook changed it.
#define ENV_USER_WANTS_DUMP "DDCRASH_USER_DUMP"
#define ENV_USER_DUMP_NAME "DDCRASH_USER_DUMP_NAME"
#define ENV_ENABLE_DUMP "DOTNET_DbgEnableMiniDump"
#define ENV_DUMP_NAME "DOTNET_DbgMiniDumpName"
#define ENV_LEGACY_ENABLE_DUMP "COMPlus_DbgEnableMiniDump"
#define ENV_LEGACY_DUMP_NAME "COMPlus_DbgMiniDumpName"

static execve_fn real_execve;
static int hook_enabled;
// The directory of the executable (device, inode): NativeAOT looks for createdump there.
static int have_exe_dir;
static dev_t exe_dir_dev;
static ino_t exe_dir_ino;
static char reporter_path[PATH_MAX];
// "DDCRASH_USER_DUMP=0|1" and "DDCRASH_USER_DUMP_NAME=<name>" for ddreport's environment.
static char user_dump_env[64];
static char user_dump_name_env[PATH_MAX + 64];
static char* exec_argv[MAX_ARGS + 3];
// A single-file app's crash launch, prepared at load time: the createdump the runtime would
// name (beside the executable; single-file apps have none) and the process id.
static char crash_program[PATH_MAX];
static char crash_pid[24];
static pid_t crash_pid_value;
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

static int equals(const char* s, const char* expected) {
  return s != NULL && strcmp(s, expected) == 0;
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

// Async-signal-safe decimal formatting.
static void format_decimal(unsigned long long value, char* out) {
  char digits[24];
  int n = 0;
  do {
    digits[n++] = (char)('0' + value % 10);
    value /= 10;
  } while (value != 0);
  for (int i = 0; i < n; ++i) out[i] = digits[n - 1 - i];
  out[n] = '\0';
}

static void format_signed(int value, char* out) {
  if (value < 0) *out++ = '-';
  format_decimal(value < 0 ? -(unsigned long long)value : (unsigned long long)value, out);
}

// A hooked process's children inherit the hook's dump settings along with DDCRASH_USER_DUMP*,
// the user's own values the first hook recorded. That record describes a child's environment
// only while the dump settings are still exactly what the hook set: once the user (a shell
// that inherited them, say) sets their own, those are the user's wish again.
static int inherited_record_applies(void) {
  return secure_getenv(ENV_USER_WANTS_DUMP) != NULL &&
         equals(secure_getenv(ENV_ENABLE_DUMP), "1") &&
         equals(secure_getenv(ENV_DUMP_NAME), MARKER_DUMP_NAME);
}

// The user's own DbgEnableMiniDump / DbgMiniDumpName, before we change them: the inherited
// record when it applies, else the environment as the runtime would read it.
static void remember_user_dump_settings(void) {
  const char* wants;
  const char* name;
  if (inherited_record_applies()) {
    wants = equals(secure_getenv(ENV_USER_WANTS_DUMP), "1") ? "1" : "0";
    name = secure_getenv(ENV_USER_DUMP_NAME);
  } else {
    const char* enable = secure_getenv(ENV_ENABLE_DUMP);
    if (enable == NULL) enable = secure_getenv(ENV_LEGACY_ENABLE_DUMP);
    wants = equals(enable, "1") ? "1" : "0";
    name = secure_getenv(ENV_DUMP_NAME);
    if (name == NULL) name = secure_getenv(ENV_LEGACY_DUMP_NAME);
  }
  if (name == NULL) name = "";
  copy_string(user_dump_env, sizeof(user_dump_env), ENV_USER_WANTS_DUMP "=", wants);
  if (!copy_string(user_dump_name_env, sizeof(user_dump_name_env), ENV_USER_DUMP_NAME "=", name)) {
    name = "";
    copy_string(user_dump_name_env, sizeof(user_dump_name_env), ENV_USER_DUMP_NAME "=", name);
  }
  // From the copies: setenv may replace the strings `wants` and `name` point into.
  setenv(ENV_USER_WANTS_DUMP, user_dump_env + sizeof(ENV_USER_WANTS_DUMP), 1);
  setenv(ENV_USER_DUMP_NAME, user_dump_name_env + sizeof(ENV_USER_DUMP_NAME), 1);
}

// The hook does not take over in this process, but an ancestor's hook did: give the runtime
// (and this process's children) the user's own dump settings back, so it never dumps to the
// marker and does what it would have done without ddcrash.
static void restore_user_dump_settings(void) {
  if (!inherited_record_applies()) return;
  const char* name = secure_getenv(ENV_USER_DUMP_NAME);
  if (equals(secure_getenv(ENV_USER_WANTS_DUMP), "1")) {
    if (name != NULL && name[0] != '\0') {
      setenv(ENV_DUMP_NAME, name, 1);
    } else {
      unsetenv(ENV_DUMP_NAME);
    }
  } else {
    unsetenv(ENV_ENABLE_DUMP);
    unsetenv(ENV_DUMP_NAME);
  }
  unsetenv(ENV_USER_WANTS_DUMP);
  unsetenv(ENV_USER_DUMP_NAME);
}

// DDCRASH_TIMEOUT_MS as ddreport reads it (a positive decimal), else the default.
static long timeout_ms(void) {
  const char* text = secure_getenv("DDCRASH_TIMEOUT_MS");
  long value = 0;
  if (text == NULL || *text == '\0') return DEFAULT_TIMEOUT_MS;
  for (; *text != '\0'; ++text) {
    if (*text < '0' || *text > '9' || value > 600000) return DEFAULT_TIMEOUT_MS;
    value = value * 10 + (*text - '0');
  }
  return value > 0 ? value : DEFAULT_TIMEOUT_MS;
}

static int locate_reporter(void) {
  const char* configured = secure_getenv("DDCRASH_REPORTER");
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

// lstat by system call: glibc's lstat symbol is newer (GLIBC_2.33) than the oldest glibc the
// library supports.
static int lstat_path(const char* path, struct stat* st) {
  return (int)syscall(SYS_newfstatat, AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

// The rule the DAC is held to (dac/trusted_file.cc): owned by root or `euid`, not writable by
// others (a sticky directory excepted), not writable by a group other than root's. Fills
// `why` when it fails.
static int trusted_entry(const char* path, uid_t euid, char* why, size_t size) {
  struct stat st;
  if (lstat_path(path, &st) != 0) {
    snprintf(why, size, "cannot stat %s: %s", path, strerror(errno));
    return 0;
  }
  const int directory = S_ISDIR(st.st_mode);
  if (!directory && !S_ISREG(st.st_mode)) {
    snprintf(why, size, "%s is not a regular file", path);
    return 0;
  }
  if (st.st_uid != 0 && st.st_uid != euid) {
    snprintf(why, size, "%s is owned by uid %d, neither root nor uid %d", path, (int)st.st_uid,
             (int)euid);
    return 0;
  }
  if ((st.st_mode & S_IWOTH) != 0 && !(directory && (st.st_mode & S_ISVTX) != 0)) {
    snprintf(why, size, "%s is writable by others", path);
    return 0;
  }
  if ((st.st_mode & S_IWGRP) != 0 && st.st_gid != 0) {
    snprintf(why, size, "%s is writable by group %d", path, (int)st.st_gid);
    return 0;
  }
  return 1;
}

// Replaces reporter_path with its real path when the reporter and every directory above it
// pass trusted_entry. Then nobody but root and this user can change what that path names
// between now and a crash, so the exec path can run it by name (which also keeps its argv[0],
// /proc/PID/exe and comm ordinary, and works with any glibc).
static int trust_reporter(char* why, size_t size) {
  char resolved[PATH_MAX];
  if (realpath(reporter_path, resolved) == NULL) {
    snprintf(why, size, "cannot resolve it: %s", strerror(errno));
    return 0;
  }
  const uid_t euid = geteuid();
  if (!trusted_entry(resolved, euid, why, size)) return 0;
  char dir[PATH_MAX];
  memcpy(dir, resolved, strlen(resolved) + 1);
  for (char* slash = strrchr(dir, '/'); slash != NULL; slash = strrchr(dir, '/')) {
    if (slash == dir) {
      if (!trusted_entry("/", euid, why, size)) return 0;
      break;
    }
    *slash = '\0';
    if (!trusted_entry(dir, euid, why, size)) return 0;
  }
  memcpy(reporter_path, resolved, strlen(resolved) + 1);
  return 1;
}

static void remember_exe_dir(void) {
  char exe[PATH_MAX];
  const ssize_t length = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if (length <= 0) return;
  exe[length] = '\0';
  char* slash = strrchr(exe, '/');
  if (slash == NULL) return;
  slash[slash == exe ? 1 : 0] = '\0';
  struct stat st;
  if (syscall(SYS_stat, exe, &st) != 0) return;
  exe_dir_dev = st.st_dev;
  exe_dir_ino = st.st_ino;
  have_exe_dir = 1;
}

// A .NET single-file app: its executable is the single-file host, which exports
// DotNetRuntimeInfo (libcoreclr.so does not: dac/runtime_info.h).
static int is_single_file_app(void) { return dlsym(RTLD_DEFAULT, "DotNetRuntimeInfo") != NULL; }

static void launch_reporter_for_crash(int signal_number, const siginfo_t* info);

// The fatal signals of a crash. The runtime's PAL installs its own handlers after ours and keeps
// ours as the "previous action": it calls them for a fault it does not handle itself (a fault
// in managed code that becomes an exception, a caught NullReferenceException, never reaches
// us), and PROCAbort restores ours before abort() for an unhandled exception or FailFast.
static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
static volatile sig_atomic_t crash_reported;

// Stands for SIG_DFL, where the runtime found it: once, the report; then the default action
// back, so the process ends as it would have: a hardware fault re-executes and is fatal, a
// sent signal (abort's raise, kill) is raised again and delivered when the handlers return.
static void on_fatal_signal(int signal_number, siginfo_t* info, void* context) {
  (void)context;
  const int saved_errno = errno;
  // Not in a child forked without exec (the runtime's own createdump of the user's dump is one):
  // the report is of the process the hook was loaded into, once.
  if ((pid_t)syscall(SYS_getpid) == crash_pid_value &&
      !__sync_lock_test_and_set(&crash_reported, 1)) {
    launch_reporter_for_crash(signal_number, info);
  }
  struct sigaction default_action;
  memset(&default_action, 0, sizeof(default_action));
  default_action.sa_handler = SIG_DFL;
  sigaction(signal_number, &default_action, NULL);
  if (info == NULL || info->si_code <= 0) raise(signal_number);
  errno = saved_errno;
}

// Only where nothing was installed before us (another library's handler is left alone).
static void install_fatal_signal_handlers(void) {
  for (size_t i = 0; i < sizeof(crash_signals) / sizeof(crash_signals[0]); ++i) {
    struct sigaction current;
    if (sigaction(crash_signals[i], NULL, &current) != 0) continue;
    if ((current.sa_flags & SA_SIGINFO) != 0 || current.sa_handler != SIG_DFL) continue;
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_sigaction = on_fatal_signal;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    sigaction(crash_signals[i], &action, NULL);
  }
  char exe[PATH_MAX];
  const ssize_t length = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if (length <= 0) return;
  exe[length] = '\0';
  char* slash = strrchr(exe, '/');
  if (slash != NULL) slash[1] = '\0';
  copy_string(crash_program, sizeof(crash_program), slash != NULL ? exe : "", "createdump");
  crash_pid_value = getpid();
  format_decimal((unsigned long long)crash_pid_value, crash_pid);
}

// Load time, before the runtime reads its settings: 1 when the hook takes over crash dumps.
static int take_over(void) {
  if (real_execve == NULL || equals(secure_getenv("DDCRASH_ENABLED"), "0")) return 0;
  // A missing reporter (a partial install) is not worth a line in every process.
  if (!locate_reporter() || access(reporter_path, X_OK) != 0) return 0;
  char configured[PATH_MAX], why[PATH_MAX + 256], line[sizeof(configured) + sizeof(why) + 64];
  memcpy(configured, reporter_path, strlen(reporter_path) + 1);
  if (!trust_reporter(why, sizeof(why))) {
    const int length =
        snprintf(line, sizeof(line), "ddcrash: not using reporter %s: %s\n", configured, why);
    if (length > 0) {
      const ssize_t written = write(
          STDERR_FILENO, line, (size_t)length < sizeof(line) ? (size_t)length : sizeof(line) - 1);
      (void)written;
    }
    return 0;
  }
  // The reporter itself (under /etc/ld.so.preload every process loads the hook) keeps the
  // record it was given: it reads the user's wish from there.
  char self[PATH_MAX];
  const ssize_t self_length = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (self_length > 0) {
    self[self_length] = '\0';
    if (strcmp(self, reporter_path) == 0) return 0;
  }
  const long budget_ms = timeout_ms() + WATCHDOG_GRACE_MS;
  watchdog.it_value.tv_sec = budget_ms / 1000;
  watchdog.it_value.tv_usec = (budget_ms % 1000) * 1000;
  if (is_single_file_app()) {
    // Its createdump is built in and runs in a forked child without exec: the dump settings
    // would only make it dump where it would not have. Left as they are; the crash comes to
    // the fatal-signal handler instead, and ddreport never writes the user's dump (the
    // runtime does, if they asked).
    restore_user_dump_settings();  // a hooked parent's marker settings are not for it
    copy_string(user_dump_env, sizeof(user_dump_env), ENV_USER_WANTS_DUMP "=0", NULL);
    copy_string(user_dump_name_env, sizeof(user_dump_name_env), ENV_USER_DUMP_NAME "=", NULL);
    install_fatal_signal_handlers();
    return 1;
  }
  remember_user_dump_settings();
  // The runtime reads these when it starts, after preload constructors have run. The name
  // keeps the runtime's %p so the launch is recognisable and unique per process.
  setenv(ENV_ENABLE_DUMP, "1", 1);
  setenv(ENV_DUMP_NAME, MARKER_DUMP_NAME, 1);
  unsetenv(ENV_LEGACY_ENABLE_DUMP);
  unsetenv(ENV_LEGACY_DUMP_NAME);
  remember_exe_dir();
  return 1;
}

__attribute__((constructor)) static void ddhook_init(void) {
  real_execve = (execve_fn)dlsym(RTLD_NEXT, "execve");
  // Secure execution (setuid, setgid, file capabilities): the environment belongs to a less
  // privileged user. Nothing at all: no variable read or changed, every exec passes through.
  if (getauxval(AT_SECURE) != 0) return;
  hook_enabled = take_over();
  if (!hook_enabled) restore_user_dump_settings();
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
  return starts_with(entry, "LD_PRELOAD=") || starts_with(entry, ENV_ENABLE_DUMP "=") ||
         starts_with(entry, ENV_LEGACY_ENABLE_DUMP "=") || starts_with(entry, ENV_DUMP_NAME "=") ||
         starts_with(entry, ENV_LEGACY_DUMP_NAME "=") ||
         starts_with(entry, ENV_USER_WANTS_DUMP "=") || starts_with(entry, ENV_USER_DUMP_NAME "=");
}

// Compiled under its own name and exported as execve below: glibc declares execve's `path` and
// `argv` nonnull, and under that declaration the optimiser deletes the NULL checks a buggy
// caller needs (the real execve fails with EFAULT for a NULL path and reads a NULL argv or
// envp as empty).
static int hooked_execve(const char* path, char* const argv[], char* const envp[]) {
  if (real_execve == NULL) {
    // Only before our constructor ran (another preload's constructor exec'ing): find it now.
    real_execve = (execve_fn)dlsym(RTLD_NEXT, "execve");
    if (real_execve == NULL) {
      errno = ENOSYS;
      return -1;
    }
  }
  if (!hook_enabled || path == NULL || !is_marked_crash_launch(path, argv)) {
    return real_execve(path, argv, envp);
  }
  // The user asked for a dump and there is no createdump to write it (a NativeAOT app ships
  // none): the launch fails as it would without us, and the runtime says so in its own words.
  struct stat program;
  if (user_dump_env[sizeof(ENV_USER_WANTS_DUMP)] == '1' &&
      syscall(SYS_stat, path, &program) != 0 && errno == ENOENT) {
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

  // The user's dump settings, then DDCRASH_*, then the rest while there is room.
  int e = 0;
  exec_envp[e++] = user_dump_env;
  exec_envp[e++] = user_dump_name_env;
  for (int settings = 1; settings >= 0; --settings) {
    for (int i = 0; envp != NULL && envp[i] != NULL && e < MAX_ENV + 2; ++i) {
      if (starts_with(envp[i], "DDCRASH_") == settings && !is_dropped_variable(envp[i])) {
        exec_envp[e++] = envp[i];
      }
    }
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

__attribute__((visibility("default"), alias("hooked_execve"))) int execve(const char* path,
                                                                          char* const argv[],
                                                                          char* const envp[]);

// execv is execve with the process's environment: the same decision, the same launch.
static int hooked_execv(const char* path, char* const argv[]) {
  return hooked_execve(path, argv, environ);
}

__attribute__((visibility("default"), alias("hooked_execv"))) int execv(const char* path,
                                                                        char* const argv[]);

// .NET 8's NativeAOT launches "<directory of the executable>/createdump" only when a stat of it
// at start-up finds a regular file; NativeAOT apps ship none, and then it prints
// "DOTNET_DbgEnableMiniDump is set and the createdump binary does not exist" at every start,
// because of the DbgEnableMiniDump we set (.NET 10 does not look: its launch comes to execv).
// So where the hook takes over and the user did not ask for dumps (had they, the message is the
// runtime's own), that one missing file is reported as present:
// the runtime then does what CoreCLR does under the hook, its launch comes to the exec
// interposers above, and ddreport starts in place of the missing createdump. Everything else,
// and every call in a process where the hook does not take over, is the system call.
// Async-signal-safe (any stat may come from a signal handler): system calls and stack buffers.
static int is_missing_aot_createdump(const char* path) {
  if (!hook_enabled || !have_exe_dir || user_dump_env[sizeof(ENV_USER_WANTS_DUMP)] == '1' ||
      path == NULL || strcmp(basename_of(path), "createdump") != 0) {
    return 0;
  }
  char dir[PATH_MAX];
  const size_t dir_length = (size_t)(basename_of(path) - path);
  if (dir_length >= sizeof(dir)) return 0;
  memcpy(dir, path, dir_length);
  dir[dir_length] = '\0';
  if (dir_length == 0) memcpy(dir, ".", 2);
  struct stat st;
  if (syscall(SYS_stat, dir, &st) != 0) return 0;
  return st.st_dev == exe_dir_dev && st.st_ino == exe_dir_ino;
}

// glibc's __xstat64 (what the runtimes, built against glibc < 2.33, call for stat): the stat
// system call for the versions x86-64 knows, EINVAL otherwise.
static int hooked_xstat64(int version, const char* path, struct stat* buf) {
  if (version != 0 && version != 1) {
    errno = EINVAL;
    return -1;
  }
  const int result = (int)syscall(SYS_stat, path, buf);
  if (result != 0 && errno == ENOENT && is_missing_aot_createdump(path)) {
    memset(buf, 0, sizeof(*buf));
    buf->st_mode = S_IFREG | 0755;
    buf->st_nlink = 1;
    return 0;
  }
  return result;
}

__attribute__((visibility("default"), alias("hooked_xstat64"))) int __xstat64(int version,
                                                                            const char* path,
                                                                            struct stat* buf);

// A single-file app's crash, from on_fatal_signal on the crashing thread: the launch the
// runtime's createdump callback would have made, through the same path as an exec'd one
// (hooked_execve: ddreport createdump ... with the marker name), from a child forked by system
// call (no atfork handlers in a crashing process), allowed to ptrace us, waited for.
static void launch_reporter_for_crash(int signal_number, const siginfo_t* info) {
  if (crash_program[0] == '\0') return;
  static char signal_text[24], tid_text[24], code_text[24], errno_text[24], address_text[24];
  format_decimal((unsigned long long)signal_number, signal_text);
  format_decimal((unsigned long long)syscall(SYS_gettid), tid_text);
  char* argv[] = {crash_program, (char*)"--name", (char*)MARKER_DUMP_NAME, crash_pid,
                  (char*)"--signal", signal_text, (char*)"--crashthread", tid_text,
                  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL};
  int n = 8;
  if (info != NULL) {
    format_signed(info->si_code, code_text);
    format_signed(info->si_errno, errno_text);
    format_decimal((unsigned long long)(uintptr_t)info->si_addr, address_text);
    argv[n++] = (char*)"--code";
    argv[n++] = code_text;
    argv[n++] = (char*)"--errno";
    argv[n++] = errno_text;
    argv[n++] = (char*)"--address";
    argv[n++] = address_text;
  }
  argv[n++] = (char*)"--singlefile";
  argv[n] = NULL;
  const pid_t child = (pid_t)syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
  if (child == 0) {
    hooked_execve(crash_program, argv, environ);
    _exit(127);
  }
  if (child < 0) return;
  prctl(PR_SET_PTRACER, child, 0, 0, 0);
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
}
