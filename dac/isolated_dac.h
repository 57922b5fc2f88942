// The DAC stage in a child process. The DAC interprets raw memory of a process that may be
// corrupt; a crash or hang in it must cost only this stage. The parent (ddreport) keeps every
// target thread frozen; the forked child inherits the captured snapshot (registers, module
// map, memory reader: process_vm_readv / /proc/PID/mem need no ptrace stop of their own, only
// permission, which a child of the tracer has), confines itself to the target owner's
// privileges (dac_confinement.h), loads the DAC, runs DacSession::Collect, adds source lines
// (source_lines.h) and writes the result (a DacResult message, dac_result.h) to a pipe. The
// parent waits until the timeout (DDCRASH_DAC_TIMEOUT_MS) from the child's start, then
// SIGKILLs the child. Every failure comes back as a status
// saying what happened: the child's own error, "killed by signal N", or "timed out".
//
// fork() of a multithreaded parent: the child runs the DAC (malloc, dlopen) after fork, so the
// parent should fork it while no other thread of its own holds allocator or loader locks (ddreport
// is single-threaded while capturing); the timeout bounds the damage if one does.
#ifndef DDCRASH_DAC_ISOLATED_DAC_H_
#define DDCRASH_DAC_ISOLATED_DAC_H_

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "dac/dac_session.h"
#include "dac/managed_state.h"
#include "ptrace/process_snapshot.h"

namespace ddcrash::dac {

// The name of the setting that bounds this stage (cli/config.h reads it), for messages.
inline constexpr char kDacTimeoutEnv[] = "DDCRASH_DAC_TIMEOUT_MS";

struct IsolatedDacOptions {
  DacSessionOptions session;
  absl::Duration timeout = absl::Seconds(3);
  // Tests only: runs in the child once it is confined, before the DAC is touched (to make it
  // crash or hang, or to look at its credentials).
  std::function<void()> child_hook_for_testing;
};

absl::StatusOr<ManagedState> CollectManagedStateIsolated(ProcessSnapshot& snapshot,
                                                         const IsolatedDacOptions& options = {});

// The same stage in two steps, so that the DAC process does most of its work (forks, confines
// itself, loads the DAC, opens its session, walks every managed stack) while the native walk
// runs: Start before the walk, Finish with the return addresses the walk left unnamed
// (DacSessionOptions::code_addresses_to_name), which the child waits for before it names them
// and reads source lines. Destroying an unfinished one kills its child.
class IsolatedDac {
 public:
  // Forks the child. `options.session.code_addresses_to_name` is not used: Finish gives them.
  static absl::StatusOr<std::unique_ptr<IsolatedDac>> Start(ProcessSnapshot& snapshot,
                                                            const IsolatedDacOptions& options);
  ~IsolatedDac();
  IsolatedDac(const IsolatedDac&) = delete;
  IsolatedDac& operator=(const IsolatedDac&) = delete;

  // Sends the addresses and waits for the child's result until `timeout` after Start (the
  // child's work began then, most of it during the native walk). Once.
  absl::StatusOr<ManagedState> Finish(const std::vector<uint64_t>& code_addresses_to_name,
                                      absl::Duration timeout);

 private:
  IsolatedDac(pid_t child, int result_fd, int request_fd, absl::Time started)
      : child_(child), result_fd_(result_fd), request_fd_(request_fd), started_(started) {}

  pid_t child_;
  int result_fd_;   // the child's result, read here
  int request_fd_;  // the addresses, written here
  absl::Time started_;
};

}  // namespace ddcrash::dac

#endif  // DDCRASH_DAC_ISOLATED_DAC_H_
