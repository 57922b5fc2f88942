#include "report/frame_module.h"

#include "gtest/gtest.h"

namespace ddcrash {
namespace {

TEST(FrameModuleTest, IndexNamesTheModuleAndOutOfRangeNamesNone) {
  Report report;
  report.add_modules()->set_path("/lib/libc.so.6");
  report.add_modules()->set_path("/app/app.dll");
  Frame frame;
  frame.set_module_index(1);
  EXPECT_EQ(FrameModule(report, frame), &report.modules(1));
  EXPECT_EQ(FrameModulePath(report, frame), "/app/app.dll");
  for (int index : {-1, 2, 1 << 30}) {
    frame.set_module_index(index);
    EXPECT_EQ(FrameModule(report, frame), nullptr) << index;
    EXPECT_EQ(FrameModulePath(report, frame), "") << index;
  }
}

}  // namespace
}  // namespace ddcrash
