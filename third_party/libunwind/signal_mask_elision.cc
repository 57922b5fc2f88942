#include "third_party/libunwind/signal_mask_elision.h"

#include <pthread.h>
#include <signal.h>

namespace {

// Scopes open on this thread (they nest), and its mask when the outermost one opened.
thread_local int t_elision_depth = 0;
thread_local sigset_t t_mask_at_scope_start;

}  // namespace

extern "C" int __real_sigprocmask(int how, const sigset_t* set, sigset_t* old);

extern "C" int __wrap_sigprocmask(int how, const sigset_t* set, sigset_t* old) {
  if (t_elision_depth == 0) return __real_sigprocmask(how, set, old);
  if (old != nullptr) *old = t_mask_at_scope_start;
  return 0;
}

namespace ddcrash {

ScopedSignalMaskElision::ScopedSignalMaskElision() {
  // pthread_sigmask is not wrapped: this reads the real mask.
  if (t_elision_depth++ == 0) pthread_sigmask(SIG_BLOCK, nullptr, &t_mask_at_scope_start);
}

ScopedSignalMaskElision::~ScopedSignalMaskElision() { --t_elision_depth; }

}  // namespace ddcrash
