#include "ptrace/live_process_memory.h"

#include <sys/mman.h>
#include <sys/wait.h>
#include <grp.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "ptrace/internal/test_child.h"

namespace ddcrash {
namespace {

using ptrace_internal::Channel;
using ptrace_internal::TestChild;

constexpr size_t kPage = 4096;

uint8_t PatternByte(size_t i) { return static_cast<uint8_t>(i * 13 + 5); }

// A child with three pages: two readable ones holding a pattern, then a PROT_NONE page that
// also holds the pattern, then an unmapped page. It reports the first page's address.
std::unique_ptr<TestChild> StartChild() {
  absl::StatusOr<std::unique_ptr<TestChild>> child = TestChild::Start([](Channel& channel) {
    auto* p = static_cast<uint8_t*>(
        mmap(nullptr, 4 * kPage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
    for (size_t i = 0; i < 3 * kPage; ++i) p[i] = PatternByte(i);
    mprotect(p + 2 * kPage, kPage, PROT_NONE);
    munmap(p + 3 * kPage, kPage);
    channel.Send(absl::StrFormat("%d", reinterpret_cast<uintptr_t>(p))).IgnoreError();
    channel.Receive().IgnoreError();  // until the test is done
  });
  EXPECT_TRUE(child.ok()) << child.status();
  return child.ok() ? *std::move(child) : nullptr;
}

uint64_t ReceiveAddress(TestChild& child) {
  absl::StatusOr<std::string> line = child.channel().Receive(absl::Seconds(30));
  uint64_t address = 0;
  EXPECT_TRUE(line.ok() && absl::SimpleAtoi(*line, &address)) << line.status();
  return address;
}

TEST(LiveProcessMemoryTest, ReadsAKnownBuffer) {
  std::unique_ptr<TestChild> child = StartChild();
  ASSERT_NE(child, nullptr);
  uint64_t address = ReceiveAddress(*child);
  LiveProcessMemory memory(child->pid());
  std::vector<uint8_t> out(2 * kPage);
  absl::StatusOr<size_t> n = memory.Read(address, absl::MakeSpan(out));
  ASSERT_TRUE(n.ok()) << n.status();
  ASSERT_EQ(*n, out.size());
  for (size_t i = 0; i < out.size(); ++i) ASSERT_EQ(out[i], PatternByte(i)) << i;

  absl::StatusOr<uint32_t> word = memory.ReadValue<uint32_t>(address + 100);
  ASSERT_TRUE(word.ok());
  uint32_t expected;
  uint8_t bytes[4] = {PatternByte(100), PatternByte(101), PatternByte(102), PatternByte(103)};
  std::memcpy(&expected, bytes, 4);
  EXPECT_EQ(*word, expected);
}

TEST(LiveProcessMemoryTest, ProtNonePagesAreReadThroughProcMem) {
  std::unique_ptr<TestChild> child = StartChild();
  ASSERT_NE(child, nullptr);
  uint64_t address = ReceiveAddress(*child);
  LiveProcessMemory memory(child->pid());
  std::vector<uint8_t> out(kPage);
  absl::StatusOr<size_t> n = memory.Read(address + 2 * kPage, absl::MakeSpan(out));
  ASSERT_TRUE(n.ok()) << n.status();
  ASSERT_EQ(*n, kPage);
  EXPECT_EQ(out[7], PatternByte(2 * kPage + 7));
}

// The DAC process reads the target after dropping to the target's credentials: what HoldAccess
// opened while privileged must keep reading after this process becomes an unrelated user that
// could not open the target's memory itself. Needs root (as the whole suite does).
TEST(LiveProcessMemoryTest, HeldAccessOutlivesAPrivilegeDrop) {
  ASSERT_EQ(geteuid(), 0u) << "this test drops privileges and must start as root";
  std::unique_ptr<TestChild> child = StartChild();
  ASSERT_NE(child, nullptr);
  uint64_t address = ReceiveAddress(*child);
  pid_t reader = fork();
  ASSERT_GE(reader, 0);
  if (reader == 0) {
    constexpr uid_t kNobody = 65534;
    LiveProcessMemory held(child->pid());
    LiveProcessMemory unheld(child->pid());
    if (!held.HoldAccess().ok()) _exit(10);
    if (setgroups(0, nullptr) != 0 || setresgid(kNobody, kNobody, kNobody) != 0 ||
        setresuid(kNobody, kNobody, kNobody) != 0) {
      _exit(11);
    }
    uint8_t byte = 0;
    // Without held access the target is out of reach now...
    if (unheld.Read(address + 9, absl::MakeSpan(&byte, 1)).ok()) _exit(12);
    // ...with it, every page reads as before, the PROT_NONE one included.
    absl::StatusOr<size_t> n = held.Read(address + 9, absl::MakeSpan(&byte, 1));
    if (!n.ok() || *n != 1 || byte != PatternByte(9)) _exit(13);
    n = held.Read(address + 2 * kPage + 3, absl::MakeSpan(&byte, 1));
    if (!n.ok() || *n != 1 || byte != PatternByte(2 * kPage + 3)) _exit(14);
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(reader, &status, 0), reader);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 0) << "10: HoldAccess failed, 11: drop failed, 12: unheld read "
                                       "still worked, 13/14: held read failed";
}

TEST(LiveProcessMemoryTest, ReadsIntoUnmappedMemoryAreShortOrFail) {
  std::unique_ptr<TestChild> child = StartChild();
  ASSERT_NE(child, nullptr);
  uint64_t address = ReceiveAddress(*child);
  LiveProcessMemory memory(child->pid());
  std::vector<uint8_t> out(256);
  absl::StatusOr<size_t> n = memory.Read(address + 3 * kPage - 100, absl::MakeSpan(out));
  ASSERT_TRUE(n.ok()) << n.status();
  EXPECT_EQ(*n, 100u);
  EXPECT_EQ(out[99], PatternByte(3 * kPage - 1));

  absl::StatusOr<size_t> unmapped = memory.Read(address + 3 * kPage, absl::MakeSpan(out));
  EXPECT_TRUE(absl::IsOutOfRange(unmapped.status())) << unmapped.status();
  EXPECT_FALSE(memory.Read(0, absl::MakeSpan(out)).ok());
  EXPECT_FALSE(memory.Read(UINT64_MAX - 10, absl::MakeSpan(out)).ok());
  EXPECT_EQ(*memory.Read(0, absl::MakeSpan(out).subspan(0, 0)), 0u);
}

TEST(LiveProcessMemoryTest, VanishedProcessIsNotFound) {
  std::unique_ptr<TestChild> child = StartChild();
  ASSERT_NE(child, nullptr);
  uint64_t address = ReceiveAddress(*child);
  LiveProcessMemory memory(child->pid());
  ASSERT_TRUE(child->KillAndReap().ok());
  uint8_t out[8];
  absl::StatusOr<size_t> n = memory.Read(address, absl::MakeSpan(out));
  EXPECT_TRUE(absl::IsNotFound(n.status())) << n.status();
}

}  // namespace
}  // namespace ddcrash
