#include "dac/dac_session.h"

#include "gtest/gtest.h"
#include "ptrace/fake_process_memory.h"

namespace ddcrash::dac {
namespace {

TEST(SplitMethodName, PlainGenericAndConstructors) {
  std::string method, type;
  SplitMethodName("Ddcrash.TestApp.Parker.ParkHere(System.Object, System.Threading.CountdownEvent)",
                  &method, &type);
  EXPECT_EQ(method, "Ddcrash.TestApp.Parker.ParkHere");
  EXPECT_EQ(type, "Ddcrash.TestApp.Parker");
  SplitMethodName("System.Private.CoreLib.dll!System.Threading.Thread..ctor()", &method, &type);
  EXPECT_EQ(method, "System.Threading.Thread..ctor");
  EXPECT_EQ(type, "System.Threading.Thread");
  SplitMethodName("Outer+Inner`1[[System.Int32, System.Private.CoreLib]].Go()", &method, &type);
  EXPECT_EQ(method, "Outer+Inner`1[[System.Int32, System.Private.CoreLib]].Go");
  EXPECT_EQ(type, "Outer+Inner`1[[System.Int32, System.Private.CoreLib]]");
  SplitMethodName("NoType", &method, &type);
  EXPECT_EQ(method, "NoType");
  EXPECT_EQ(type, "");
  SplitMethodName("", &method, &type);
  EXPECT_EQ(method, "");
}

TEST(HResultToString, NamesKnownCodes) {
  EXPECT_EQ(HResultToString(E_FAIL), "0x80004005 (E_FAIL)");
  EXPECT_EQ(HResultToString(static_cast<HRESULT>(0x80131C4F)).substr(0, 45),
            "0x80131c4f (CORDBG_E_MISSING_DEBUGGER_EXPORTS");
  EXPECT_EQ(HResultToString(static_cast<HRESULT>(0x12345678)), "0x12345678");
}

TEST(DacSession, NoRuntimeIsNotFound) {
  FakeProcessMemory memory;
  absl::StatusOr<std::unique_ptr<DacSession>> s = DacSession::Open(memory, {}, {});
  EXPECT_TRUE(absl::IsNotFound(s.status())) << s.status();
}

}  // namespace
}  // namespace ddcrash::dac
