#include "report/throw_site.h"

#include "gtest/gtest.h"

namespace ddcrash {
namespace {

Frame Recorded(const char* function, const char* module_path) {
  Frame frame;
  frame.set_function(function);
  frame.mutable_managed()->set_module_path(module_path);
  return frame;
}

TEST(ThrowSiteTest, FrameworkAssembliesByName) {
  EXPECT_TRUE(IsFrameworkAssembly("/usr/share/dotnet/shared/X/8.0.1/System.Private.CoreLib.dll"));
  EXPECT_TRUE(IsFrameworkAssembly("/app/Microsoft.AspNetCore.Http.dll"));
  EXPECT_TRUE(IsFrameworkAssembly("netstandard.dll"));
  EXPECT_FALSE(IsFrameworkAssembly("/app/Orders.dll"));
  EXPECT_FALSE(IsFrameworkAssembly("/app/MySystem.Tools.dll"));
  EXPECT_FALSE(IsFrameworkAssembly(""));
}

TEST(ThrowSiteTest, InnermostApplicationFrame) {
  Exception e;
  EXPECT_EQ(ThrowSite(e), nullptr);
  *e.add_frames() = Recorded("System.Number.ThrowFormatException()", "/rt/System.Private.CoreLib.dll");
  EXPECT_EQ(ThrowSite(e)->function(), "System.Number.ThrowFormatException()");
  *e.add_frames() = Recorded("Orders.Validate(Int32)", "/app/Orders.dll");
  *e.add_frames() = Recorded("Orders.Main()", "/app/Orders.dll");
  EXPECT_EQ(ThrowSite(e)->function(), "Orders.Validate(Int32)");
}

}  // namespace
}  // namespace ddcrash
