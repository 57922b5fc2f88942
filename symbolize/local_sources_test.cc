#include "symbolize/local_sources.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace ddcrash {
namespace {

constexpr char kBuildId[] = "e4848d216b597c39266a97e43b6d50c287054ec8";

void MakeFile(const std::string& root, const std::string& relative) {
  std::string path = root;
  size_t start = 0;
  while (true) {
    const size_t slash = relative.find('/', start);
    if (slash == std::string::npos) break;
    mkdir(absl::StrCat(root, "/", relative.substr(0, slash)).c_str(), 0700);
    start = slash + 1;
  }
  std::ofstream(absl::StrCat(root, "/", relative)) << "x";
}

TEST(LocalSourcesTest, Keys) {
  EXPECT_EQ(BuildIdRelativePath(kBuildId), "e4/848d216b597c39266a97e43b6d50c287054ec8.debug");
  EXPECT_EQ(BuildIdRelativePath("e4"), "");
  EXPECT_EQ(BuildIdRelativePath("E4848D21"), "");
  EXPECT_EQ(BuildIdRelativePath("../../etc"), "");
  EXPECT_EQ(SsqpKey({kBuildId, "libcoreclr.so"}),
            absl::StrCat("libcoreclr.so.dbg/elf-buildid-sym-", kBuildId, "/libcoreclr.so.dbg"));
  EXPECT_EQ(SsqpKey({kBuildId, "libSystem.Native.so"}),
            absl::StrCat("libsystem.native.so.dbg/elf-buildid-sym-", kBuildId, "/libsystem.native.so.dbg"));
  EXPECT_EQ(SsqpKey({kBuildId, ""}), "");
  EXPECT_EQ(SsqpKey({kBuildId, ".."}), "");
  EXPECT_EQ(SsqpKey({kBuildId, "a/b"}), "");
  EXPECT_EQ(SsqpKey({"not-hex", "lib.so"}), "");
}

TEST(LocalSourcesTest, FindsFilesInBothLayouts) {
  const std::string root = absl::StrCat(getenv("TEST_TMPDIR"), "/debug");
  mkdir(root.c_str(), 0700);
  MakeFile(root, absl::StrCat(".build-id/", BuildIdRelativePath(kBuildId)));
  MakeFile(root, SsqpKey({kBuildId, "libfleet.so"}));

  BuildIdDirectorySource build_id(root);
  absl::StatusOr<FoundDebugFile> found = build_id.Find({kBuildId, "libfleet.so"});
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->path, absl::StrCat(root, "/.build-id/e4/848d216b597c39266a97e43b6d50c287054ec8.debug"));
  EXPECT_EQ(found->origin, "directory " + found->path);
  EXPECT_EQ(build_id.Find({"00112233", "x"}).status().code(), absl::StatusCode::kNotFound);

  SsqpDirectorySource ssqp(root + "/");
  found = ssqp.Find({kBuildId, "libfleet.so"});
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->path, absl::StrCat(root, "/", SsqpKey({kBuildId, "libfleet.so"})));
  EXPECT_EQ(found->origin, "ssqp " + found->path);
  EXPECT_EQ(ssqp.Find({kBuildId, "libother.so"}).status().code(), absl::StatusCode::kNotFound);
  // A directory where the file should be is not a debug file.
  EXPECT_EQ(ssqp.Find({kBuildId, "libfleet.so.dbg/elf-buildid-sym-x"}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ddcrash
