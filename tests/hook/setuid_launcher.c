// Installed setuid root, setgid root or with file capabilities by security_test.sh: a
// privileged program that launches something named createdump with the hook's marker dump
// name, the way a privileged .NET program's runtime would at a crash. It first prints whether
// it runs in secure execution, its effective ids and the dump switch it sees, so the test knows
// it ran privileged and whether the hook touched its environment.
//   usage: setuid_launcher CREATEDUMP DUMP_NAME
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: setuid_launcher CREATEDUMP DUMP_NAME\n");
    return 2;
  }
  const char* enable = getenv("DOTNET_DbgEnableMiniDump");
  printf("launcher: secure=%lu euid=%d egid=%d DOTNET_DbgEnableMiniDump=%s\n", getauxval(AT_SECURE),
         (int)geteuid(), (int)getegid(), enable != NULL ? enable : "(unset)");
  fflush(stdout);
  char pid[24];
  snprintf(pid, sizeof(pid), "%d", (int)getpid());
  char* args[] = {argv[1], (char*)"--name", argv[2], pid, (char*)"--signal", (char*)"11", NULL};
  execve(argv[1], args, environ);
  perror("setuid_launcher: execve");
  return 127;
}
