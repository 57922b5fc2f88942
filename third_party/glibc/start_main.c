// The executable's constructors under every glibc. Since glibc 2.34 crt1.o passes no init
// function to __libc_start_main and the new __libc_start_main runs the executable's
// DT_INIT/DT_INIT_ARRAY itself; the GLIBC_2.2.5 one (what old glibc has) runs only the init
// function it is given — older crt1.o passed libc_nonshared's __libc_csu_init. So the start
// call goes to __libc_start_main@GLIBC_2.2.5 with an init function that does what
// __libc_csu_init did; the new glibc's compat entry calls it too ("legacy program").
// DT_PREINIT_ARRAY is run by the dynamic loader under both. fini stays NULL: the loader runs
// DT_FINI_ARRAY of the executable under both.
#include <stddef.h>

typedef void (*init_fn)(int, char**, char**);

extern init_fn __init_array_start[] __attribute__((visibility("hidden")));
extern init_fn __init_array_end[] __attribute__((visibility("hidden")));
extern void _init(void);

int __ddcrash_old_libc_start_main(int (*main)(int, char**, char**), int argc, char** argv,
                                  init_fn init, void (*fini)(void), void (*rtld_fini)(void),
                                  void* stack_end);
__asm__(".symver __ddcrash_old_libc_start_main, __libc_start_main@GLIBC_2.2.5");

static void run_constructors(int argc, char** argv, char** envp) {
  _init();
  for (init_fn* f = __init_array_start; f < __init_array_end; ++f) (*f)(argc, argv, envp);
}

// Hidden: crt1.o's call binds to it; nothing else sees it (old_versions.bzl explains).
__attribute__((visibility("hidden"))) int __libc_start_main(
    int (*main)(int, char**, char**), int argc, char** argv, init_fn init, void (*fini)(void),
    void (*rtld_fini)(void), void* stack_end) {
  (void)init;  // NULL from glibc >= 2.34's crt1.o
  return __ddcrash_old_libc_start_main(main, argc, argv, run_constructors, fini, rtld_fini,
                                       stack_end);
}
