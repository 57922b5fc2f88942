#include "capture/thread_roles.h"

#include <algorithm>

namespace ddcrash {

void AddThreadRole(ThreadRole role, Thread* thread) {
  if (std::find(thread->roles().begin(), thread->roles().end(), role) == thread->roles().end()) {
    thread->add_roles(role);
  }
}

void AddManagedThreadRoles(const dac::ManagedThread& managed, Thread* thread) {
  if (managed.is_finalizer) AddThreadRole(THREAD_ROLE_FINALIZER, thread);
  if (managed.is_gc) AddThreadRole(THREAD_ROLE_GC, thread);
  if (managed.is_threadpool) AddThreadRole(THREAD_ROLE_THREADPOOL_WORKER, thread);
  if (managed.is_background) AddThreadRole(THREAD_ROLE_BACKGROUND, thread);
}

void AddThreadRolesFromName(Thread* thread) {
  // These names are shorter than the 15 bytes Linux keeps of a thread name, so they are whole.
  const std::string& name = thread->name();
  if (name == ".NET Server GC" || name == ".NET BGC") AddThreadRole(THREAD_ROLE_GC, thread);
  if (name == ".NET Finalizer") AddThreadRole(THREAD_ROLE_FINALIZER, thread);
  if (name == ".NET TP Worker") AddThreadRole(THREAD_ROLE_THREADPOOL_WORKER, thread);
}

}  // namespace ddcrash
