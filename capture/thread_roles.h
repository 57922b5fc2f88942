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

// The roles known from the thread's OS name alone, the names the runtime gives the threads it
// creates. Needed for the GC's own threads: server GC threads have no managed Thread, and
// neither they nor background GC threads are linked to their GC heap in anything the DAC
// returns (DacpGcHeapDetails holds no thread), so their names (gc.cpp: ".NET Server GC",
// ".NET BGC") mark them. The finalizer (".NET Finalizer") and the thread pool's workers
// (".NET TP Worker") keep their roles this way when the DAC stage fails.
void AddThreadRolesFromName(Thread* thread);

}  // namespace ddcrash

#endif  // DDCRASH_CAPTURE_THREAD_ROLES_H_
