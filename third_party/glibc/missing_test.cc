// missing.c against the glibc it stands in for: this test links missing.c, so the plain names
// are its functions; dlvsym(RTLD_NEXT) finds glibc's own (the build host's glibc has them).
#include <dlfcn.h>
#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <set>
#include <string>

#include "gtest/gtest.h"

namespace {

template <typename F>
F Glibc(const char* name, const char* version) {
  void* f = dlvsym(RTLD_NEXT, name, version);
  EXPECT_NE(f, nullptr) << name << "@" << version;
  return reinterpret_cast<F>(f);
}

std::string OrNull(const char* s) { return s == nullptr ? "(null)" : s; }

TEST(MissingTest, SigabbrevNpMatchesGlibc) {
  auto glibc = Glibc<const char* (*)(int)>("sigabbrev_np", "GLIBC_2.32");
  for (int sig = -1; sig <= 70; ++sig) {
    EXPECT_EQ(OrNull(sigabbrev_np(sig)), OrNull(glibc(sig))) << sig;
  }
}

TEST(MissingTest, StrerrornameNpMatchesGlibc) {
  auto glibc = Glibc<const char* (*)(int)>("strerrorname_np", "GLIBC_2.32");
  for (int error = -1; error <= 200; ++error) {
    EXPECT_EQ(OrNull(strerrorname_np(error)), OrNull(glibc(error))) << error;
  }
}

void ExpectSameStat(const struct stat& ours, const struct stat& theirs) {
  EXPECT_EQ(ours.st_dev, theirs.st_dev);
  EXPECT_EQ(ours.st_ino, theirs.st_ino);
  EXPECT_EQ(ours.st_mode, theirs.st_mode);
  EXPECT_EQ(ours.st_size, theirs.st_size);
  EXPECT_EQ(ours.st_mtim.tv_sec, theirs.st_mtim.tv_sec);
}

TEST(MissingTest, StatFamilyMatchesGlibc) {
  using PathStat = int (*)(const char*, struct stat*);
  auto glibc_stat = Glibc<PathStat>("stat", "GLIBC_2.33");
  auto glibc_lstat = Glibc<PathStat>("lstat", "GLIBC_2.33");
  auto glibc_fstat = Glibc<int (*)(int, struct stat*)>("fstat", "GLIBC_2.33");
  struct stat ours, theirs;
  ASSERT_EQ(stat("/proc/self/exe", &ours), 0);
  ASSERT_EQ(glibc_stat("/proc/self/exe", &theirs), 0);
  ExpectSameStat(ours, theirs);
  EXPECT_TRUE(S_ISREG(ours.st_mode));
  ASSERT_EQ(lstat("/proc/self/exe", &ours), 0);
  ASSERT_EQ(glibc_lstat("/proc/self/exe", &theirs), 0);
  EXPECT_TRUE(S_ISLNK(ours.st_mode));
  EXPECT_EQ(ours.st_mode, theirs.st_mode);
  ASSERT_EQ(fstat(STDIN_FILENO, &ours), 0);
  ASSERT_EQ(glibc_fstat(STDIN_FILENO, &theirs), 0);
  ExpectSameStat(ours, theirs);
  struct stat64 ours64;
  ASSERT_EQ(fstat64(STDIN_FILENO, &ours64), 0);
  EXPECT_EQ(ours64.st_ino, theirs.st_ino);
  auto glibc_fstatat = Glibc<int (*)(int, const char*, struct stat*, int)>("fstatat", "GLIBC_2.33");
  ASSERT_EQ(fstatat(AT_FDCWD, "/proc/self/exe", &ours, AT_SYMLINK_NOFOLLOW), 0);
  ASSERT_EQ(glibc_fstatat(AT_FDCWD, "/proc/self/exe", &theirs, AT_SYMLINK_NOFOLLOW), 0);
  EXPECT_TRUE(S_ISLNK(ours.st_mode));
  EXPECT_EQ(ours.st_ino, theirs.st_ino);
  ASSERT_EQ(fstatat(AT_FDCWD, "/proc/self/exe", &ours, 0), 0);
  EXPECT_TRUE(S_ISREG(ours.st_mode));
  errno = 0;
  EXPECT_EQ(fstatat(AT_FDCWD, "/nonexistent/ddcrash", &ours, 0), -1);
  EXPECT_EQ(errno, ENOENT);
  errno = 0;
  EXPECT_EQ(stat("/nonexistent/ddcrash", &ours), -1);
  EXPECT_EQ(errno, ENOENT);
  EXPECT_EQ(fstat(-1, &ours), -1);
  EXPECT_EQ(errno, EBADF);
}

TEST(MissingTest, GetrandomFillsWhatItSays) {
  unsigned char buffer[64] = {};
  ASSERT_EQ(getrandom(buffer, sizeof(buffer), GRND_NONBLOCK), static_cast<ssize_t>(sizeof(buffer)));
  std::set<unsigned char> distinct(buffer, buffer + sizeof(buffer));
  EXPECT_GT(distinct.size(), 16u);
  errno = 0;
  EXPECT_EQ(getrandom(buffer, sizeof(buffer), 0xffff), -1);
  EXPECT_EQ(errno, EINVAL);
}

TEST(MissingTest, GetentropyFillsUpTo256Bytes) {
  unsigned char buffer[257] = {};
  ASSERT_EQ(getentropy(buffer, 256), 0);
  std::set<unsigned char> distinct(buffer, buffer + 256);
  EXPECT_GT(distinct.size(), 32u);  // all zero (unfilled) would be 1
  errno = 0;
  EXPECT_EQ(getentropy(buffer, 257), -1);
  EXPECT_EQ(errno, EIO);
}

TEST(MissingTest, Arc4randomVaries) {
  std::set<uint32_t> values;
  for (int i = 0; i < 8; ++i) values.insert(arc4random());
  EXPECT_GT(values.size(), 1u);
}

void ExpectFindsLikeGlibc(void* pc) {
  auto glibc = Glibc<int (*)(void*, dl_find_object*)>("_dl_find_object", "GLIBC_2.35");
  dl_find_object ours, theirs;
  ASSERT_EQ(_dl_find_object(pc, &ours), 0);
  ASSERT_EQ(glibc(pc, &theirs), 0);
  EXPECT_EQ(ours.dlfo_eh_frame, theirs.dlfo_eh_frame);
  EXPECT_NE(ours.dlfo_eh_frame, nullptr);
  EXPECT_LE(ours.dlfo_map_start, pc);
  EXPECT_GT(ours.dlfo_map_end, pc);
}

TEST(MissingTest, DlFindObjectFindsEhFrameLikeGlibc) {
  ExpectFindsLikeGlibc(reinterpret_cast<void*>(&ExpectFindsLikeGlibc));  // the executable
  ExpectFindsLikeGlibc(dlvsym(RTLD_NEXT, "strlen", "GLIBC_2.2.5"));      // libc.so.6
  dl_find_object result;
  int on_stack = 0;
  EXPECT_EQ(_dl_find_object(&on_stack, &result), -1);
}

TEST(MissingTest, ExceptionsUnwindThroughOurDlFindObject) {
  // libgcc's unwinder (linked statically) finds every frame's FDE through _dl_find_object.
  try {
    throw std::string("thrown");
  } catch (const std::string& e) {
    EXPECT_EQ(e, "thrown");
  }
}

}  // namespace
