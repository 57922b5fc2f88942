// Loads the library named by argv[1] (the stripped fleet library), calls into it, and parks in
// a callback: main -> fleet_lib_run -> FleetMiddle -> FleetInnermost -> FleetPark. Prints
// "READY <pid>" once parked; runs until killed.
#include <dlfcn.h>
#include <stdio.h>
#include <unistd.h>

extern "C" __attribute__((noinline)) void FleetPark() {
  printf("READY %d\n", getpid());
  fflush(stdout);
  while (true) pause();
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: symbolize_fixture LIBRARY\n");
    return 2;
  }
  void* library = dlopen(argv[1], RTLD_NOW);
  if (library == nullptr) {
    fprintf(stderr, "dlopen: %s\n", dlerror());
    return 1;
  }
  auto run = reinterpret_cast<void (*)(void (*)())>(dlsym(library, "fleet_lib_run"));
  if (run == nullptr) return 1;
  run(&FleetPark);
  return 0;
}
