// The DAC process runs the DAC's code with no privilege the target's owner does not have:
// when ddreport is more privileged than the target (root reporting on another user's
// process), the DAC process becomes the target's user and groups before the DAC is loaded, and
// it can never gain privileges again (PR_SET_NO_NEW_PRIVS). A DAC planted beside another
// user's runtime then runs as that user, as the runtime itself does.
#ifndef DDCRASH_DAC_DAC_CONFINEMENT_H_
#define DDCRASH_DAC_DAC_CONFINEMENT_H_

#include <sys/types.h>

#include "absl/status/status.h"
#include "ptrace/process_credentials.h"
#include "ptrace/process_memory.h"

namespace ddcrash::dac {

// Whether `current` must drop to `target` before running the target's DAC: always unless they
// are the same, or the same unprivileged user (whose groups are the owner's own).
bool MustDropTo(const ProcessCredentials& current, const ProcessCredentials& target);

// Confines the calling process (the forked DAC process) for reporting on `target_pid`: reads
// the target's credentials, keeps `memory` readable (ProcessMemory::HoldAccess), drops to the
// target's user, group and supplementary groups when MustDropTo says so (checked afterwards),
// and sets PR_SET_NO_NEW_PRIVS. PermissionDenied when a needed drop fails: the DAC is then not
// loaded at all.
absl::Status ConfineDacProcess(pid_t target_pid, ProcessMemory& memory);

}  // namespace ddcrash::dac

#endif  // DDCRASH_DAC_DAC_CONFINEMENT_H_
