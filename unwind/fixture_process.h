// Test helper: runs a fixture program from unwind/testdata, waits until it reports "ready" on
// stdout (its stack is then built and it blocks in fixture::Block), and freezes it with
// //ptrace:frozen_process. The process is killed and reaped on destruction.
#ifndef DDCRASH_UNWIND_FIXTURE_PROCESS_H_
#define DDCRASH_UNWIND_FIXTURE_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ptrace/frozen_process.h"

namespace ddcrash {

class FixtureProcess {
 public:
  // `argv[0]` is the program path (relative to the test's runfiles directory is fine).
  // When `delete_before_freeze` is set, that file is unlinked once the fixture is ready and
  // before it is frozen (so the module map sees the executable as deleted).
  static absl::StatusOr<std::unique_ptr<FixtureProcess>> Start(
      std::vector<std::string> argv, const std::string& delete_before_freeze = "");
  ~FixtureProcess();

  pid_t pid() const { return pid_; }
  FrozenProcess& frozen() { return *frozen_; }
  // The main thread's captured state.
  const ThreadState& main_thread() const;

 private:
  FixtureProcess() = default;
  pid_t pid_ = -1;
  std::unique_ptr<FrozenProcess> frozen_;
};

}  // namespace ddcrash

#endif  // DDCRASH_UNWIND_FIXTURE_PROCESS_H_
