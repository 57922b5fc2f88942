// The roles of a thread in the runtime (finalizer, GC, thread pool, ...) for the report.
#ifndef DDCRASH_CAPTURE_THREAD_ROLES_H_
#define DDCRASH_CAPTURE_THREAD_ROLES_H_

#include "dac/managed_state.h"
#include "report/report.pb.h"

namespace ddcrash {

// Adds `role` to `thread` unless it has it already.
void AddThreadRole(ThreadRole role, Thread* thread);

// The roles the DAC reports for a managed thread (finalizer, the thread running a GC now,
// thread-pool worker, background).
void AddManagedThreadRoles(const dac::ManagedThread& managed, Thread* thread);

// The roles known from the thread's OS name alone. Fallback for the GC's own threads: server
// GC threads have no managed Thread, and neither they nor background GC threads are linked to
// their GC heap in anything the DAC returns (DacpGcHeapDetails holds no thread), so the names
// the GC gives them when it creates them (gc.cpp: ".NET Server GC", ".NET BGC") mark them.
void AddThreadRolesFromName(Thread* thread);

}  // namespace ddcrash

#endif  // DDCRASH_CAPTURE_THREAD_ROLES_H_
