#include "unwind/demangle.h"

#include "gtest/gtest.h"

namespace ddcrash {
namespace {

TEST(DemangleTest, Cpp) {
  EXPECT_EQ(Demangle("_ZN7fixture7RecurseEi"), "fixture::Recurse(int)");
  EXPECT_EQ(Demangle("_ZNSt6vectorIiSaIiEE9push_backERKi"),
            "std::vector<int, std::allocator<int> >::push_back(int const&)");
}

TEST(DemangleTest, PassesThroughOtherNames) {
  EXPECT_EQ(Demangle("main"), "main");
  EXPECT_EQ(Demangle("_Z"), "_Z");
  EXPECT_EQ(Demangle("_Zgarbage!"), "_Zgarbage!");
  EXPECT_EQ(Demangle(""), "");
}

TEST(DemangleTest, KeepsSymbolVersion) {
  EXPECT_EQ(Demangle("_ZdlPv@@GLIBCXX_3.4"), "operator delete(void*)@@GLIBCXX_3.4");
}

}  // namespace
}  // namespace ddcrash
