// Whether a file may be loaded as code: the DAC is a shared library whose constructors run in
// our process, so a DAC that someone other than root and the user it would run as could have
// written (or swapped in through a directory they can write) is refused.
#ifndef DDCRASH_DAC_TRUSTED_FILE_H_
#define DDCRASH_DAC_TRUSTED_FILE_H_

#include <sys/types.h>

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ptrace/target_files.h"

namespace ddcrash::dac {

// OK when `path`, with every symbolic link resolved, is a regular file and it and every
// directory above it are owned by root or `trusted_uid` and writable by no one else: not by
// others, and not by a group other than root's. A directory writable by others is accepted
// only when sticky (/tmp), since then no one else can rename or replace what is inside it.
// PermissionDenied naming the first offending path otherwise; NotFound when it does not exist.
absl::Status CheckTrustedFile(const std::string& path, uid_t trusted_uid);

// The same rule for `path` as `files` names it: its links are resolved inside that root (a
// target's, for a file beside its runtime), and the entries checked are the ones reached there,
// so a container's files count with their owners in the container's file system. Returns the
// path to open, which names no link (ptrace/target_files.h).
absl::StatusOr<std::string> CheckTrustedFile(const std::string& path, uid_t trusted_uid,
                                             const TargetFiles& files);

}  // namespace ddcrash::dac

#endif  // DDCRASH_DAC_TRUSTED_FILE_H_
