#include "binary/file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace ddcrash::binary {
namespace {

std::string TempFile(const std::string& contents) {
  std::string path = std::string(getenv("TEST_TMPDIR")) + "/file_test.bin";
  FILE* f = fopen(path.c_str(), "wb");
  fwrite(contents.data(), 1, contents.size(), f);
  fclose(f);
  return path;
}

TEST(ReadFileBoundedTest, ReadsWithinTheLimit) {
  std::string path = TempFile(std::string("ab\0cd", 5));
  absl::StatusOr<std::string> bytes = ReadFileBounded(path, 5);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_EQ(*bytes, std::string("ab\0cd", 5));
  EXPECT_TRUE(absl::IsResourceExhausted(ReadFileBounded(path, 4).status()));
}

TEST(ReadFileRangeTest, ReadsARangeWithinTheFileAndTheLimit) {
  std::string path = TempFile("0123456789");
  absl::StatusOr<std::string> bytes = ReadFileRange({path, 3, 4}, 4);
  ASSERT_TRUE(bytes.ok()) << bytes.status();
  EXPECT_EQ(*bytes, "3456");
  EXPECT_EQ(*ReadFileRange({path, 10, 0}, 4), "");
  EXPECT_TRUE(absl::IsResourceExhausted(ReadFileRange({path, 0, 5}, 4).status()));
  EXPECT_TRUE(absl::IsOutOfRange(ReadFileRange({path, 8, 3}, 4).status()));
  EXPECT_TRUE(absl::IsOutOfRange(ReadFileRange({path, ~uint64_t{0}, 2}, 4).status()));
  EXPECT_TRUE(absl::IsNotFound(ReadFileRange({"/nonexistent/x", 0, 1}, 4).status()));
  EXPECT_TRUE(absl::IsFailedPrecondition(ReadFileRange({"/", 0, 1}, 4).status()));
}

TEST(ReadFileBoundedTest, MissingFileIsNotFoundAndDirectoryIsRefused) {
  EXPECT_TRUE(absl::IsNotFound(ReadFileBounded("/nonexistent/x.pdb", 100).status()));
  EXPECT_TRUE(absl::IsFailedPrecondition(ReadFileBounded("/", 100).status()));
}

TEST(ReadFileBoundedTest, FifoIsRefusedWithoutWaitingForAWriter) {
  std::string path = std::string(getenv("TEST_TMPDIR")) + "/file_test.fifo";
  unlink(path.c_str());
  ASSERT_EQ(mkfifo(path.c_str(), 0600), 0);
  EXPECT_TRUE(absl::IsFailedPrecondition(ReadFileBounded(path, 100).status()));
}

TEST(ReadOnlyFileTest, ReadsRangesWithinTheFileOnly) {
  std::string path = TempFile("0123456789");
  absl::StatusOr<ReadOnlyFile> file = ReadOnlyFile::Open(path);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->size(), 10u);
  EXPECT_EQ(*file->Read(3, 4), "3456");
  EXPECT_EQ(*file->Read(10, 0), "");
  EXPECT_TRUE(absl::IsInvalidArgument(file->Read(8, 3).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(file->Read(11, 0).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(file->Read(~uint64_t{0}, 2).status()));
  // Moved, the file stays open and readable once.
  ReadOnlyFile moved = *std::move(file);
  EXPECT_EQ(*moved.Read(0, 2), "01");
}

TEST(ReadOnlyFileTest, AFileThatShrankAfterOpeningIsDataLoss) {
  std::string path = TempFile("0123456789");
  absl::StatusOr<ReadOnlyFile> file = ReadOnlyFile::Open(path);
  ASSERT_TRUE(file.ok()) << file.status();
  ASSERT_EQ(truncate(path.c_str(), 4), 0);
  EXPECT_TRUE(absl::IsDataLoss(file->Read(2, 6).status()));
  EXPECT_EQ(*file->Read(0, 4), "0123");
}

TEST(ReadOnlyFileTest, RefusesWhatIsNotARegularFile) {
  EXPECT_TRUE(absl::IsNotFound(ReadOnlyFile::Open("/nonexistent/x.dll").status()));
  EXPECT_TRUE(absl::IsFailedPrecondition(ReadOnlyFile::Open("/").status()));
}

}  // namespace
}  // namespace ddcrash::binary
