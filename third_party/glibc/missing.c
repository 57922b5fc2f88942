// Functions that the statically linked archives (libstdc++, libgcc's unwinder) and our own code
// call but glibc 2.17 does not have, defined in the executable so nothing binds to glibc's
// newer versions. Each behaves as glibc's own (missing_test.cc compares them).
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

// glibc 2.33 made stat & co. real functions; before, they were inline wrappers of __xstat.
// On x86-64 the kernel's struct stat is glibc's struct stat (and struct stat64).
int stat(const char* path, struct stat* buf) { return (int)syscall(SYS_stat, path, buf); }
int lstat(const char* path, struct stat* buf) { return (int)syscall(SYS_lstat, path, buf); }
int fstat(int fd, struct stat* buf) { return (int)syscall(SYS_fstat, fd, buf); }
int fstat64(int fd, struct stat64* buf) { return (int)syscall(SYS_fstat, fd, buf); }
int fstatat(int dir_fd, const char* path, struct stat* buf, int flags) {
  return (int)syscall(SYS_newfstatat, dir_fd, path, buf, flags);
}

// glibc 2.32: libstdc++ skips its atomic reference counts while this is non-zero. Zero always
// is correct (atomics everywhere).
char __libc_single_threaded = 0;

static int read_random(void* buffer, size_t length) {
  char* p = buffer;
  while (length > 0) {
    long n = syscall(SYS_getrandom, p, length, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return -1;
    p += n;
    length -= (size_t)n;
  }
  return 0;
}

// glibc 2.25. Kernels before 3.17 answer ENOSYS, which callers must handle anyway.
ssize_t getrandom(void* buffer, size_t length, unsigned int flags) {
  return syscall(SYS_getrandom, buffer, length, flags);
}

// glibc 2.25.
int getentropy(void* buffer, size_t length) {
  if (length > 256) {
    errno = EIO;
    return -1;
  }
  return read_random(buffer, length);
}

// glibc 2.36 (libstdc++'s std::random_device). Kernels before 3.17 have no getrandom: then
// /dev/urandom. Like glibc's, it cannot fail: it aborts without any entropy source.
uint32_t arc4random(void) {
  uint32_t value;
  if (read_random(&value, sizeof(value)) == 0) return value;
  int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ssize_t n;
    do n = read(fd, &value, sizeof(value));
    while (n < 0 && errno == EINTR);
    close(fd);
    if (n == (ssize_t)sizeof(value)) return value;
  }
  abort();
}

// glibc 2.32.
const char* sigabbrev_np(int sig) {
  static const char* const kNames[] = {
      [SIGHUP] = "HUP",     [SIGINT] = "INT",       [SIGQUIT] = "QUIT",   [SIGILL] = "ILL",
      [SIGTRAP] = "TRAP",   [SIGABRT] = "ABRT",     [SIGBUS] = "BUS",     [SIGFPE] = "FPE",
      [SIGKILL] = "KILL",   [SIGUSR1] = "USR1",     [SIGSEGV] = "SEGV",   [SIGUSR2] = "USR2",
      [SIGPIPE] = "PIPE",   [SIGALRM] = "ALRM",     [SIGTERM] = "TERM",   [SIGSTKFLT] = "STKFLT",
      [SIGCHLD] = "CHLD",   [SIGCONT] = "CONT",     [SIGSTOP] = "STOP",   [SIGTSTP] = "TSTP",
      [SIGTTIN] = "TTIN",   [SIGTTOU] = "TTOU",     [SIGURG] = "URG",     [SIGXCPU] = "XCPU",
      [SIGXFSZ] = "XFSZ",   [SIGVTALRM] = "VTALRM", [SIGPROF] = "PROF",   [SIGWINCH] = "WINCH",
      [SIGPOLL] = "POLL",   [SIGPWR] = "PWR",       [SIGSYS] = "SYS",
  };
  if (sig <= 0 || sig >= (int)(sizeof(kNames) / sizeof(kNames[0]))) return NULL;
  return kNames[sig];
}

// glibc 2.32. The table is generated from <errno.h> (errno_names.inc); glibc names 0 "0".
const char* strerrorname_np(int error_number) {
  switch (error_number) {
    case 0: return "0";
#include "third_party/glibc/errno_names.inc"
    default: return NULL;
  }
}

// glibc 2.35: libgcc's unwinder, built for glibc >= 2.35, finds a pc's .eh_frame_hdr with
// _dl_find_object and has no other way. This one walks the loaded objects as libgcc did
// before. dlfo_link_map stays NULL: libgcc does not read it.
struct find_request {
  uintptr_t pc;
  struct dl_find_object* result;
  int found;
};

static int find_object(struct dl_phdr_info* info, size_t size, void* data) {
  (void)size;
  struct find_request* request = data;
  uintptr_t start = UINTPTR_MAX, end = 0;
  int contains = 0;
  const ElfW(Phdr)* eh_frame = NULL;
  for (ElfW(Half) i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)* phdr = &info->dlpi_phdr[i];
    if (phdr->p_type == PT_GNU_EH_FRAME) eh_frame = phdr;
    if (phdr->p_type != PT_LOAD) continue;
    uintptr_t segment_start = info->dlpi_addr + phdr->p_vaddr;
    uintptr_t segment_end = segment_start + phdr->p_memsz;
    if (request->pc >= segment_start && request->pc < segment_end) contains = 1;
    if (segment_start < start) start = segment_start;
    if (segment_end > end) end = segment_end;
  }
  if (!contains) return 0;
  memset(request->result, 0, sizeof(*request->result));
  request->result->dlfo_map_start = (void*)start;
  request->result->dlfo_map_end = (void*)end;
  request->result->dlfo_eh_frame =
      eh_frame != NULL ? (void*)(info->dlpi_addr + eh_frame->p_vaddr) : NULL;
  request->found = 1;
  return 1;
}

int _dl_find_object(void* pc, struct dl_find_object* result) {
  struct find_request request = {(uintptr_t)pc, result, 0};
  dl_iterate_phdr(find_object, &request);
  return request.found ? 0 : -1;
}
