// Debian's libunwind is built with a global cache lock and signal blocking: every unw_step
// brackets its cache lookup with two sigprocmask calls, so that a signal handler that unwinds
// cannot deadlock on the lock its own thread holds. ddcrash never unwinds in a signal handler,
// and those calls were 40,000 syscalls (~8 ms) of the native walk of 1,009 threads.
//
// Every binary that links libunwind wraps sigprocmask (-Wl,--wrap=sigprocmask, this target's
// linkopts). While a ScopedSignalMaskElision lives on a thread, that thread's sigprocmask
// calls change nothing and report the mask the thread had when the scope began (the mask
// libunwind then restores is the one it already has); on every other thread, and outside the
// scope, sigprocmask is the real call.
#ifndef DDCRASH_THIRD_PARTY_LIBUNWIND_SIGNAL_MASK_ELISION_H_
#define DDCRASH_THIRD_PARTY_LIBUNWIND_SIGNAL_MASK_ELISION_H_

namespace ddcrash {

// Only around calls into libunwind, which restores every mask it sets before it returns.
class ScopedSignalMaskElision {
 public:
  ScopedSignalMaskElision();
  ~ScopedSignalMaskElision();
  ScopedSignalMaskElision(const ScopedSignalMaskElision&) = delete;
  ScopedSignalMaskElision& operator=(const ScopedSignalMaskElision&) = delete;
};

}  // namespace ddcrash

#endif  // DDCRASH_THIRD_PARTY_LIBUNWIND_SIGNAL_MASK_ELISION_H_
