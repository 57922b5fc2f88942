#include "dac/dac_confinement.h"

#include <errno.h>
#include <grp.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ddcrash::dac {

bool MustDropTo(const ProcessCredentials& current, const ProcessCredentials& target) {
  if (current == target) return false;
  return !(current.uid == target.uid && current.uid != 0);
}

absl::Status ConfineDacProcess(pid_t target_pid, ProcessMemory& memory) {
  absl::StatusOr<ProcessCredentials> target = ReadProcessCredentials(target_pid);
  if (!target.ok()) {
    return absl::PermissionDeniedError(absl::StrCat(
        "cannot tell whom the target runs as, so the DAC is not run: ", target.status().message()));
  }
  if (MustDropTo(CurrentCredentials(), *target)) {
    const std::string who = absl::StrFormat("uid %d, gid %d", target->uid, target->gid);
    if (absl::Status held = memory.HoldAccess(); !held.ok()) {
      return absl::PermissionDeniedError(
          absl::StrCat("cannot keep the target's memory open before dropping to ", who, ": ",
                       held.message()));
    }
    if (setgroups(target->groups.size(), target->groups.data()) != 0 ||
        setresgid(target->gid, target->gid, target->gid) != 0 ||
        setresuid(target->uid, target->uid, target->uid) != 0) {
      return absl::PermissionDeniedError(absl::StrCat(
          "cannot drop to the target's credentials (", who, "): ", strerror(errno),
          "; the DAC is not run with more privilege than the target's owner has"));
    }
    uid_t ruid, euid, suid;
    gid_t rgid, egid, sgid;
    if (getresuid(&ruid, &euid, &suid) != 0 || getresgid(&rgid, &egid, &sgid) != 0 ||
        ruid != target->uid || euid != target->uid || suid != target->uid ||
        rgid != target->gid || egid != target->gid || sgid != target->gid ||
        !(CurrentCredentials() == *target)) {
      return absl::PermissionDeniedError(
          absl::StrCat("the drop to the target's credentials (", who, ") did not take"));
    }
  }
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    return absl::PermissionDeniedError(absl::StrCat("PR_SET_NO_NEW_PRIVS: ", strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace ddcrash::dac
