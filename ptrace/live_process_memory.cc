#include "ptrace/live_process_memory.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace ddcrash {

LiveProcessMemory::LiveProcessMemory(pid_t pid) : pid_(pid) {}

LiveProcessMemory::~LiveProcessMemory() {
  if (mem_fd_ >= 0) close(mem_fd_);
}

void LiveProcessMemory::OpenProcMem() {
  if (mem_fd_ >= 0 || mem_open_errno_ != 0) return;
  std::string path = absl::StrFormat("/proc/%d/mem", pid_);
  mem_fd_ = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (mem_fd_ < 0) mem_open_errno_ = errno;
}

absl::Status LiveProcessMemory::HoldAccess() {
  OpenProcMem();
  if (mem_fd_ < 0) {
    return absl::ErrnoToStatus(mem_open_errno_,
                               absl::StrFormat("cannot open /proc/%d/mem", pid_));
  }
  vm_readv_usable_ = false;
  return absl::OkStatus();
}

size_t LiveProcessMemory::ReadProcMem(uint64_t address, absl::Span<uint8_t> out, int& error) {
  OpenProcMem();
  if (mem_fd_ < 0) {
    error = mem_open_errno_;
    return 0;
  }
  size_t done = 0;
  while (done < out.size()) {
    uint64_t at = address + done;
    // pread takes a signed offset; user-space addresses are far below this on x86-64.
    if (at > static_cast<uint64_t>(INT64_MAX)) {
      error = EIO;
      break;
    }
    ssize_t n = pread(mem_fd_, out.data() + done, out.size() - done, static_cast<off_t>(at));
    if (n < 0) {
      if (errno == EINTR) continue;
      error = errno;
      break;
    }
    if (n == 0) {
      error = EIO;
      break;
    }
    done += static_cast<size_t>(n);
  }
  return done;
}

absl::StatusOr<size_t> LiveProcessMemory::Read(uint64_t address, absl::Span<uint8_t> out) {
  if (out.empty()) return 0;
  size_t done = 0;
  int error = 0;
  if (vm_readv_usable_) {
    iovec local{out.data(), out.size()};
    iovec remote{reinterpret_cast<void*>(address), out.size()};
    ssize_t n = process_vm_readv(pid_, &local, 1, &remote, 1, 0);
    if (n > 0) {
      done = static_cast<size_t>(n);
      if (done == out.size()) return done;
    } else {
      error = errno;
      if (error == ESRCH) {
        return absl::NotFoundError(absl::StrFormat("process %d no longer exists", pid_));
      }
      if (error == ENOSYS || error == EPERM) vm_readv_usable_ = false;
    }
  }
  // Whatever process_vm_readv could not read, /proc/PID/mem may (PROT_NONE pages, or
  // process_vm_readv unavailable).
  done += ReadProcMem(address + done, out.subspan(done), error);
  if (done > 0) return done;
  if (error == ESRCH) {
    return absl::NotFoundError(absl::StrFormat("process %d no longer exists", pid_));
  }
  return absl::OutOfRangeError(absl::StrFormat("cannot read memory of process %d at 0x%x: %s",
                                               pid_, address, strerror(error)));
}

}  // namespace ddcrash
