#include "report/basename.h"

#include "gtest/gtest.h"

namespace ddcrash {
namespace {

TEST(BasenameTest, LastComponent) {
  EXPECT_EQ(Basename("/usr/lib/libc.so.6"), "libc.so.6");
  EXPECT_EQ(Basename("dotnet"), "dotnet");
  EXPECT_EQ(Basename("/dir/"), "");
  EXPECT_EQ(Basename(""), "");
}

}  // namespace
}  // namespace ddcrash
