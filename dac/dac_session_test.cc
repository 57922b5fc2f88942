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
  // Generic methods: the dots inside the method's generic arguments do not split it.
  SplitMethodName(
      "Ddcrash.TestApp.Repo`1[[System.__Canon, System.Private.CoreLib]]"
      ".Find[[System.Int32, System.Private.CoreLib]](Int32)",
      &method, &type);
  EXPECT_EQ(method,
            "Ddcrash.TestApp.Repo`1[[System.__Canon, System.Private.CoreLib]]"
            ".Find[[System.Int32, System.Private.CoreLib]]");
  EXPECT_EQ(type, "Ddcrash.TestApp.Repo`1[[System.__Canon, System.Private.CoreLib]]");
  SplitMethodName(
      "System.Linq.dll!System.Linq.Enumerable+ArraySelectIterator`2[[System.Int32, "
      "System.Private.CoreLib],[System.__Canon, System.Private.CoreLib]].Fill(System.ReadOnlySpan`1"
      "<Int32>, System.Span`1<System.__Canon>, System.Func`2<Int32,System.__Canon>)",
      &method, &type);
  EXPECT_EQ(type,
            "System.Linq.Enumerable+ArraySelectIterator`2[[System.Int32, System.Private.CoreLib],"
            "[System.__Canon, System.Private.CoreLib]]");
  SplitMethodName("System.Linq.Enumerable.Select[[System.Int32, System.Private.CoreLib],"
                  "[System.__Canon, System.Private.CoreLib]](System.Collections.Generic."
                  "IEnumerable`1<Int32>, System.Func`2<Int32,System.__Canon>)",
                  &method, &type);
  EXPECT_EQ(type, "System.Linq.Enumerable");
  SplitMethodName("Ddcrash.TestApp.Program+<>c.<Main>b__0_0(Int32)", &method, &type);
  EXPECT_EQ(type, "Ddcrash.TestApp.Program+<>c");
  EXPECT_EQ(method, "Ddcrash.TestApp.Program+<>c.<Main>b__0_0");
  SplitMethodName("System.Collections.Generic.Dictionary`2[[System.__Canon, "
                  "System.Private.CoreLib],[System.__Canon, System.Private.CoreLib]]..ctor()",
                  &method, &type);
  EXPECT_EQ(type,
            "System.Collections.Generic.Dictionary`2[[System.__Canon, System.Private.CoreLib],"
            "[System.__Canon, System.Private.CoreLib]]");
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
