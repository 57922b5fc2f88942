// The hook's execve, as built for shipping, with the NULL arguments a buggy caller may pass:
// it must do what the real execve does (EFAULT for a NULL path, a NULL argv or envp read as
// empty), never crash. The hook is loaded with a trusted reporter, so it is taking over, and
// each call runs in a child whose fate is compared with that of the raw system call.
//   usage: execve_null_test LIBDDHOOK
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

typedef int (*execve_fn)(const char*, char* const[], char* const[]);

static execve_fn hooked;
static int failures;

// How one call ends, as seen from the parent: "returned -1 errno N", "exit N" or "signal N".
static void outcome(int use_hook, const char* path, char* const argv[], char* const envp[],
                    char* out, size_t size) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) abort();
  const pid_t child = fork();
  if (child < 0) abort();
  if (child == 0) {
    close(pipe_fds[0]);
    const long result = use_hook ? hooked(path, argv, envp) : syscall(SYS_execve, path, argv, envp);
    char text[64];
    const int length = snprintf(text, sizeof(text), "returned %ld errno %d", result, errno);
    if (write(pipe_fds[1], text, (size_t)length) != length) _exit(99);
    _exit(0);
  }
  close(pipe_fds[1]);
  char text[64] = {0};
  const ssize_t length = read(pipe_fds[0], text, sizeof(text) - 1);
  close(pipe_fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  if (length > 0) {
    snprintf(out, size, "%s", text);
  } else if (WIFSIGNALED(status)) {
    snprintf(out, size, "signal %d", WTERMSIG(status));
  } else {
    snprintf(out, size, "exit %d", WEXITSTATUS(status));
  }
}

static void expect_same_as_kernel(const char* what, const char* path, char* const argv[],
                                  char* const envp[]) {
  char real[96], hook[96];
  outcome(0, path, argv, envp, real, sizeof(real));
  outcome(1, path, argv, envp, hook, sizeof(hook));
  if (strcmp(real, hook) == 0) {
    printf("ok: %s: %s, as the real execve\n", what, hook);
  } else {
    printf("FAIL: %s: the hook's execve %s, the real execve %s\n", what, hook, real);
    ++failures;
  }
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: execve_null_test LIBDDHOOK\n");
    return 2;
  }
  const char* tmp = getenv("TEST_TMPDIR");
  char dir[4096], createdump[4200];
  snprintf(dir, sizeof(dir), "%s/execve_null.XXXXXX", tmp ? tmp : "/tmp");
  if (mkdtemp(dir) == NULL) {
    perror("mkdtemp");
    return 1;
  }
  // Named createdump so the hook looks further than the name; exits 7 however it is started.
  snprintf(createdump, sizeof(createdump), "%s/createdump", dir);
  FILE* script = fopen(createdump, "w");
  if (script == NULL || fputs("#!/bin/sh\nexit 7\n", script) < 0 || fclose(script) != 0 ||
      chmod(createdump, 0755) != 0) {
    perror(createdump);
    return 1;
  }
  // A trusted reporter (root's, in root's directories), so the hook takes over.
  setenv("DDCRASH_REPORTER", "/bin/true", 1);
  unsetenv("DDCRASH_ENABLED");
  void* library = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (library == NULL) {
    printf("FAIL: cannot load %s: %s\n", argv[1], dlerror());
    return 1;
  }
  hooked = (execve_fn)dlsym(library, "execve");
  if (hooked == NULL) {
    printf("FAIL: %s exports no execve\n", argv[1]);
    return 1;
  }
  if (getenv("DDCRASH_USER_DUMP") == NULL) {
    printf(
        "FAIL: the hook did not take over (no DDCRASH_USER_DUMP): the NULL checks are not "
        "reached\n");
    return 1;
  }
  // Through pointers the compiler cannot see into, so this file's calls stay as written.
  char* volatile null_argv = NULL;
  char* volatile null_envp = NULL;
  const char* volatile null_path = NULL;
  char* marked_argv[] = {createdump, (char*)"--name", (char*)"/proc/ddcrash-hook-marker.%p",
                         (char*)"1", NULL};
  char* empty[] = {NULL};
  char* argv_createdump[] = {createdump, NULL};

  expect_same_as_kernel("execve(NULL, argv, envp)", null_path, marked_argv, environ);
  expect_same_as_kernel("execve(NULL, NULL, NULL)", null_path, (char* const*)null_argv,
                        (char* const*)null_envp);
  expect_same_as_kernel("execve(createdump, NULL, envp)", createdump, (char* const*)null_argv,
                        environ);
  expect_same_as_kernel("execve(createdump, NULL, NULL)", createdump, (char* const*)null_argv,
                        (char* const*)null_envp);
  expect_same_as_kernel("execve(createdump, {NULL}, envp)", createdump, empty, environ);
  expect_same_as_kernel("execve(createdump, argv, NULL)", createdump, argv_createdump,
                        (char* const*)null_envp);
  // A marked crash launch with a NULL envp: the reporter (/bin/true) runs, exit 0.
  char result[96];
  outcome(1, createdump, marked_argv, (char* const*)null_envp, result, sizeof(result));
  if (strcmp(result, "exit 0") == 0) {
    printf("ok: marked launch with a NULL envp runs the reporter\n");
  } else {
    printf("FAIL: marked launch with a NULL envp: %s, expected the reporter's exit 0\n", result);
    ++failures;
  }
  unlink(createdump);
  rmdir(dir);
  printf(failures == 0 ? "PASS\n" : "%d FAILED\n", failures);
  return failures == 0 ? 0 : 1;
}
