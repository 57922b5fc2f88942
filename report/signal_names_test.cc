#include "report/signal_names.h"

#include <errno.h>
#include <signal.h>

#include "gtest/gtest.h"

namespace ddcrash {
namespace {

TEST(SignalNamesTest, NamesCommonSignals) {
  EXPECT_EQ(SignalName(SIGSEGV), "SIGSEGV");
  EXPECT_EQ(SignalName(SIGABRT), "SIGABRT");
  EXPECT_EQ(SignalName(SIGBUS), "SIGBUS");
  EXPECT_EQ(SignalName(SIGRTMIN + 2), "SIGRTMIN+2");
  EXPECT_EQ(SignalName(999), "SIG999");
}

TEST(SignalNamesTest, CodeNamesDependOnSignal) {
  EXPECT_EQ(SignalCodeName(SIGSEGV, SEGV_MAPERR), "SEGV_MAPERR");
  EXPECT_EQ(SignalCodeName(SIGBUS, BUS_ADRERR), "BUS_ADRERR");
  EXPECT_EQ(SignalCodeName(SIGABRT, SI_TKILL), "SI_TKILL");
  EXPECT_EQ(SignalCodeName(SIGSEGV, SI_KERNEL), "SI_KERNEL");
  EXPECT_EQ(SignalCodeName(SIGABRT, 77), "77");
}

TEST(SignalNamesTest, ErrnoNames) {
  EXPECT_EQ(ErrnoName(0), "");
  EXPECT_EQ(ErrnoName(ENOMEM), "ENOMEM");
  EXPECT_EQ(ErrnoName(123456), "123456");
}

}  // namespace
}  // namespace ddcrash
