#include "ptrace/process_credentials.h"

#include <unistd.h>

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ddcrash {
namespace {

using ::testing::ElementsAre;

TEST(ParseStatusCredentials, TakesTheEffectiveIdsAndSortedUniqueGroups) {
  absl::StatusOr<ProcessCredentials> c = ParseStatusCredentials(
      "Name:\tapp\nUmask:\t0022\nUid:\t1000\t1001\t1002\t1003\nGid:\t100\t101\t102\t103\n"
      "FDSize:\t64\nGroups:\t27 4 100 27 \nNStgid:\t1\n");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->uid, 1001u);
  EXPECT_EQ(c->gid, 101u);
  EXPECT_THAT(c->groups, ElementsAre(4u, 27u, 100u));
}

TEST(ParseStatusCredentials, EmptyGroupsLineIsNoGroups) {
  absl::StatusOr<ProcessCredentials> c =
      ParseStatusCredentials("Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nGroups:\t\n");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->groups.empty());
}

TEST(ParseStatusCredentials, MissingOrMalformedLinesAreInvalid) {
  for (const char* status : {
           "",
           "Gid:\t0\t0\t0\t0\nGroups:\t\n",
           "Uid:\t0\t0\t0\t0\nGroups:\t\n",
           "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n",
           "Uid:\t0\t0\t0\nGid:\t0\t0\t0\t0\nGroups:\t\n",
           "Uid:\t0\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nGroups:\t\n",
           "Uid:\t0\t-1\t0\t0\nGid:\t0\t0\t0\t0\nGroups:\t\n",
           "Uid:\t0\t4294967296\t0\t0\nGid:\t0\t0\t0\t0\nGroups:\t\n",
           "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nGroups:\t1 x\n",
       }) {
    absl::StatusOr<ProcessCredentials> c = ParseStatusCredentials(status);
    EXPECT_TRUE(absl::IsInvalidArgument(c.status())) << status << ": " << c.status();
  }
}

TEST(ParseStatusCredentials, GroupCountIsBounded) {
  std::string status = "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nGroups:\t";
  for (size_t i = 0; i <= kMaxSupplementaryGroups; ++i) status += "1 ";
  EXPECT_FALSE(ParseStatusCredentials(status).ok());
}

TEST(ReadProcessCredentials, OwnProcessMatchesCurrentCredentials) {
  absl::StatusOr<ProcessCredentials> c = ReadProcessCredentials(getpid());
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(*c, CurrentCredentials());
  EXPECT_EQ(c->uid, geteuid());
  EXPECT_EQ(c->gid, getegid());
}

TEST(ReadProcessCredentials, MissingProcessIsNotFound) {
  EXPECT_TRUE(absl::IsNotFound(ReadProcessCredentials(0x7ffffff0).status()));
}

}  // namespace
}  // namespace ddcrash
