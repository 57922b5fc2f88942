#include "dac/trusted_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ddcrash::dac {
namespace {

using ::testing::HasSubstr;

// A private directory tree under a root-owned 0700 base made for each test.
class TrustedFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(geteuid(), 0u) << "these tests chown files and must run as root";
    char templ[] = "/tmp/trusted_file_test.XXXXXX";
    ASSERT_NE(mkdtemp(templ), nullptr);
    base_ = templ;
    ASSERT_EQ(chmod(base_.c_str(), 0755), 0);
    dir_ = base_ + "/runtime";
    ASSERT_EQ(mkdir(dir_.c_str(), 0755), 0);
    dac_ = dir_ + "/libmscordaccore.so";
    int fd = open(dac_.c_str(), O_WRONLY | O_CREAT, 0644);
    ASSERT_GE(fd, 0);
    close(fd);
  }
  void TearDown() override { (void)!system(absl::StrCat("rm -rf '", base_, "'").c_str()); }

  std::string base_, dir_, dac_;
};

constexpr uid_t kUser = 12345;
constexpr uid_t kOther = 12346;

TEST_F(TrustedFileTest, RootOwnedTreeIsTrustedForAnyUser) {
  EXPECT_TRUE(CheckTrustedFile(dac_, 0).ok());
  EXPECT_TRUE(CheckTrustedFile(dac_, kUser).ok());
}

TEST_F(TrustedFileTest, TheUsersOwnFilesAreTrustedForThatUserOnly) {
  ASSERT_EQ(chown(dir_.c_str(), kUser, kUser), 0);
  ASSERT_EQ(chown(dac_.c_str(), kUser, kUser), 0);
  EXPECT_TRUE(CheckTrustedFile(dac_, kUser).ok());
  absl::Status status = CheckTrustedFile(dac_, 0);
  EXPECT_TRUE(absl::IsPermissionDenied(status)) << status;
  EXPECT_THAT(status.message(), HasSubstr("owned by uid 12345, neither root nor uid 0"));
  EXPECT_FALSE(CheckTrustedFile(dac_, kOther).ok());
}

TEST_F(TrustedFileTest, AFileOthersCanWriteIsRefused) {
  ASSERT_EQ(chmod(dac_.c_str(), 0646), 0);
  absl::Status status = CheckTrustedFile(dac_, 0);
  EXPECT_THAT(status.message(), HasSubstr("writable by others"));
  ASSERT_EQ(chmod(dac_.c_str(), 0664), 0);
  ASSERT_EQ(chown(dac_.c_str(), 0, 100), 0);
  EXPECT_THAT(CheckTrustedFile(dac_, 0).message(), HasSubstr("writable by group 100"));
  ASSERT_EQ(chown(dac_.c_str(), 0, 0), 0);
  EXPECT_TRUE(CheckTrustedFile(dac_, 0).ok());  // root's group may write
}

TEST_F(TrustedFileTest, ADirectoryAnotherUserOwnsOrCanWriteIsRefused) {
  ASSERT_EQ(chown(dir_.c_str(), kOther, kOther), 0);
  EXPECT_THAT(CheckTrustedFile(dac_, kUser).message(), HasSubstr(dir_ + " is owned by uid"));
  ASSERT_EQ(chown(dir_.c_str(), 0, 0), 0);
  ASSERT_EQ(chmod(dir_.c_str(), 0757), 0);
  EXPECT_THAT(CheckTrustedFile(dac_, kUser).message(), HasSubstr(dir_ + " is writable by others"));
  // Sticky, like /tmp: others cannot replace what they do not own in it.
  ASSERT_EQ(chmod(dir_.c_str(), 01777), 0);
  EXPECT_TRUE(CheckTrustedFile(dac_, kUser).ok());
  ASSERT_EQ(chown(base_.c_str(), kOther, kOther), 0);  // higher up counts too
  EXPECT_THAT(CheckTrustedFile(dac_, kUser).message(), HasSubstr(base_ + " is owned by uid"));
}

TEST_F(TrustedFileTest, ALinkIsJudgedByWhatItPointsAt) {
  const std::string link = base_ + "/link.so";
  ASSERT_EQ(symlink(dac_.c_str(), link.c_str()), 0);
  EXPECT_TRUE(CheckTrustedFile(link, 0).ok());
  ASSERT_EQ(chown(dac_.c_str(), kOther, kOther), 0);
  EXPECT_THAT(CheckTrustedFile(link, 0).message(), HasSubstr(dac_ + " is owned by uid"));
}

TEST_F(TrustedFileTest, MissingAndNonRegularFilesAreRefused) {
  EXPECT_TRUE(absl::IsNotFound(CheckTrustedFile(dir_ + "/none.so", 0)));
  EXPECT_THAT(CheckTrustedFile(dir_, 0).message(), HasSubstr("not a regular file"));
}

// A target's own root (a container's file system at /proc/PID/root): links resolve inside it,
// and its entries are judged by their owners there.
TEST_F(TrustedFileTest, InATargetsRootLinksStayInsideAndOwnersThereCount) {
  const TargetFiles container = TargetFiles::UnderRoot(base_);
  ASSERT_EQ(symlink("/runtime/libmscordaccore.so", (base_ + "/abs.so").c_str()), 0);
  absl::StatusOr<std::string> opened = CheckTrustedFile("/abs.so", kUser, container);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, dac_);
  // A link naming a path of ours is not followed out of the target's root.
  ASSERT_EQ(symlink(dac_.c_str(), (base_ + "/host.so").c_str()), 0);
  EXPECT_TRUE(absl::IsNotFound(CheckTrustedFile("/host.so", kUser, container).status()));
  ASSERT_EQ(chown(dir_.c_str(), kOther, kOther), 0);
  EXPECT_THAT(CheckTrustedFile("/abs.so", kUser, container).status().message(),
              HasSubstr(dir_ + " is owned by uid 12346"));
  ASSERT_EQ(chown(dir_.c_str(), 0, 0), 0);
  ASSERT_EQ(chown(base_.c_str(), kOther, kOther), 0);  // the root itself counts
  EXPECT_THAT(CheckTrustedFile("/abs.so", kUser, container).status().message(),
              HasSubstr(base_ + "/ is owned by uid 12346"));
}

}  // namespace
}  // namespace ddcrash::dac
