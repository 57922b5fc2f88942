#include "report/crashing_thread.h"

#include "gtest/gtest.h"

namespace ddcrash {
namespace {

Report ThreeThreads() {
  Report report;
  for (uint32_t tid : {10u, 20u, 30u}) report.add_threads()->set_tid(tid);
  return report;
}

TEST(CrashingThreadTest, CrashingTidFirstThenFirstCrashedThenFirst) {
  Report report = ThreeThreads();
  EXPECT_EQ(CrashingThread(report)->tid(), 10u);
  report.mutable_threads(1)->set_crashed(true);
  report.mutable_threads(2)->set_crashed(true);
  EXPECT_EQ(CrashingThread(report)->tid(), 20u);
  report.set_crashing_tid(30);
  EXPECT_EQ(CrashingThread(report)->tid(), 30u);
  report.set_crashing_tid(99);  // not among the threads
  EXPECT_EQ(CrashingThread(report)->tid(), 20u);
  report.clear_threads();
  EXPECT_EQ(CrashingThread(report), nullptr);
}

}  // namespace
}  // namespace ddcrash
