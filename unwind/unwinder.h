// Remote native unwinding of one captured thread with libunwind over our own accessors.
//
// libunwind gets a remote address space (unw_create_addr_space) whose accessors read memory
// through ProcessMemory, registers from the captured ThreadState, and find unwind tables with
// our own find_proc_info: the module holding the IP, its .eh_frame_hdr search table (located
// via the ELF file, read with pread; or via the program headers in target memory when the
// file cannot be read), handed to libunwind's dwarf_search_unwind_table as
// UNW_INFO_FORMAT_REMOTE_TABLE so libunwind reads the table and FDEs from the target. Non-ELF
// modules (PE images, anonymous JIT code) get -UNW_ENOINFO without any file being opened or
// mapped; the walker then follows the rbp chain and resumes CFI unwinding above it.
//
// Modules that carry only .debug_frame (no .eh_frame_hdr) are unwound with the frame-pointer
// fallback; libunwind's remote interface offers no public way to hand it a .debug_frame table.
#ifndef DDCRASH_UNWIND_UNWINDER_H_
#define DDCRASH_UNWIND_UNWINDER_H_

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ptrace/module_map.h"
#include "ptrace/process_memory.h"
#include "ptrace/thread_state.h"
#include "unwind/native_frame.h"

namespace ddcrash {

class Symbolizer;
struct RemoteUnwinderCallbacks;

struct UnwindOptions {
  // At most this many frames; `UnwoundStack::truncated` says when the cap cut the walk.
  size_t max_frames = 1024;
  // Follow the rbp chain where there is no unwind information.
  bool frame_pointer_fallback = true;
  // The target's pid: lets deleted module files be read via /proc/PID/map_files.
  std::optional<pid_t> pid;
};

// Counters, for tests and the reporter's own account.
struct UnwinderStats {
  int find_proc_info_calls = 0;
  int find_proc_info_hits = 0;
  int modules_with_tables = 0;
  int modules_without_tables = 0;
  int put_unwind_info_calls = 0;
};

// Unwinds threads of one captured process. Holds a libunwind address space and per-module
// unwind-table caches; create one per process snapshot. Not thread-safe.
class RemoteUnwinder {
 public:
  RemoteUnwinder(ProcessMemory& memory, const ModuleMap& modules,
                 std::optional<pid_t> pid = std::nullopt, Symbolizer* symbolizer = nullptr);
  ~RemoteUnwinder();
  RemoteUnwinder(const RemoteUnwinder&) = delete;
  RemoteUnwinder& operator=(const RemoteUnwinder&) = delete;

  // Walks the stack of `thread` (which must be stopped). Frames are not symbolized here.
  absl::StatusOr<UnwoundStack> Unwind(const ThreadState& thread, const UnwindOptions& options);

  // Whether there is DWARF CFI covering `address` (already adjusted: ip - 1 for return
  // addresses). Asked once per frame, so answered once per address: threads parked in the
  // same functions share their return addresses, and each search reads the module's table.
  bool HasUnwindInfo(uint64_t address);

  const UnwinderStats& stats() const { return stats_; }

  // Implementation details, public for the C accessor callbacks.
  struct ModuleTable {
    absl::Status status;  // why there is no table
    uint64_t hdr_address = 0;    // run-time address of .eh_frame_hdr
    uint64_t table_address = 0;  // run-time address of its search table
    uint64_t fde_count = 0;
  };
  struct Context;

 private:
  friend struct RemoteUnwinderCallbacks;
  const ModuleTable& TableFor(const LoadedModule& module);
  ModuleTable LoadTable(const LoadedModule& module);

  ProcessMemory& memory_;
  const ModuleMap& modules_;
  std::optional<pid_t> pid_;
  Symbolizer* symbolizer_;
  std::unique_ptr<Context> context_;
  void* address_space_ = nullptr;  // unw_addr_space_t
  absl::flat_hash_map<uint64_t, ModuleTable> tables_;  // by module base
  absl::flat_hash_map<uint64_t, bool> has_unwind_info_;  // HasUnwindInfo's answers
  UnwinderStats stats_;
};

}  // namespace ddcrash

#endif  // DDCRASH_UNWIND_UNWINDER_H_
