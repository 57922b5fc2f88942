#include "capture/exception_text.h"

#include "gtest/gtest.h"

namespace ddcrash {
namespace {

Frame Recorded(const std::string& type, const std::string& method, const std::string& signature) {
  Frame frame;
  frame.set_kind(FRAME_KIND_MANAGED);
  frame.set_function(signature);
  frame.mutable_managed()->set_type(type);
  frame.mutable_managed()->set_method(type + "." + method);
  frame.mutable_managed()->set_il_offset(4);
  return frame;
}

TEST(ExceptionTextTest, MethodNamesAsTheRuntimePrintsThem) {
  EXPECT_EQ(StackTraceMethodName(Recorded("Ns.Orders", "Validate", "Ns.Orders.Validate(Int32)")),
            "Ns.Orders.Validate(Int32)");
  EXPECT_EQ(StackTraceMethodName(Recorded(
                "Ns.Ranges", "Slice", "Ns.Ranges.Slice(Int32[], Int32, System.Int32)")),
            "Ns.Ranges.Slice(Int32[], Int32, Int32)");
  // Nested types joined by '.', the type's instantiation dropped, a generic method's
  // arguments by their short names.
  EXPECT_EQ(StackTraceMethodName(Recorded(
                "Ns.Repo`1[[System.__Canon, System.Private.CoreLib]]",
                "Find[[System.Int32, System.Private.CoreLib]]",
                "Ns.Repo`1[[System.__Canon, System.Private.CoreLib]].Find[[System.Int32, "
                "System.Private.CoreLib]](Int32)")),
            "Ns.Repo`1.Find[Int32](Int32)");
  EXPECT_EQ(StackTraceMethodName(Recorded("Ns.Lookup+<>c", "<Run>b__0_0",
                                          "Ns.Lookup+<>c.<Run>b__0_0(Int32)")),
            "Ns.Lookup.<>c.<Run>b__0_0(Int32)");
  EXPECT_EQ(StackTraceMethodName(Recorded(
                "System.Number", "ThrowFormatException[[System.Char, System.Private.CoreLib]]",
                "System.Number.ThrowFormatException[[System.Char, System.Private.CoreLib]]("
                "System.ReadOnlySpan`1<Char>)")),
            "System.Number.ThrowFormatException[Char](ReadOnlySpan`1)");
  EXPECT_EQ(StackTraceMethodName(Recorded(
                "System.Threading.Tasks.Task", "ExecuteWithThreadLocal",
                "System.Threading.Tasks.Task.ExecuteWithThreadLocal(System.Threading.Tasks.Task "
                "ByRef, System.Threading.Thread)")),
            "System.Threading.Tasks.Task.ExecuteWithThreadLocal(Task&, Thread)");
  // An async method's state machine is named after the method.
  EXPECT_EQ(StackTraceMethodName(Recorded("Ns.Orders+<Level3>d__2", "MoveNext",
                                          "Ns.Orders+<Level3>d__2.MoveNext()")),
            "Ns.Orders.Level3()");
  EXPECT_EQ(StackTraceMethodName(Recorded(
                "System.Collections.Generic.List`1[[System.__Canon, System.Private.CoreLib]]",
                "Add", "System.Collections.Generic.List`1[[System.__Canon, "
                       "System.Private.CoreLib]].Add(System.__Canon)")),
            "System.Collections.Generic.List`1.Add(__Canon)");
}

TEST(ExceptionTextTest, LinesSourcesAndPreviousLocations) {
  Exception e;
  *e.add_frames() = Recorded("Ns.Dispatch", "Inner", "Ns.Dispatch.Inner()");
  *e.add_frames() = Recorded("Ns.Dispatch", "Outer", "Ns.Dispatch.Outer()");
  *e.add_frames() = Recorded("Ns.Dispatch", "Later", "Ns.Dispatch.Later(ExceptionDispatchInfo)");
  e.mutable_frames(0)->mutable_managed()->set_source_file("/src/P.cs");
  e.mutable_frames(0)->mutable_managed()->set_source_line(17);
  // No IL offset: the runtime prints no source line even where one is known.
  e.mutable_frames(2)->mutable_managed()->set_il_offset(-1);
  e.mutable_frames(2)->mutable_managed()->set_source_file("/src/P.cs");
  e.add_previous_throw_ends(1);
  EXPECT_EQ(ComposeStackTrace(e),
            "   at Ns.Dispatch.Inner() in /src/P.cs:line 17\n"
            "   at Ns.Dispatch.Outer()\n"
            "--- End of stack trace from previous location ---\n"
            "   at Ns.Dispatch.Later(ExceptionDispatchInfo)");
}

TEST(ExceptionTextTest, NoPreviousLocationAfterAnAsyncMethod) {
  Exception e;
  *e.add_frames() = Recorded("Ns.A+<Level3>d__2", "MoveNext", "Ns.A+<Level3>d__2.MoveNext()");
  *e.add_frames() = Recorded("Ns.A+<Level2>d__1", "MoveNext", "Ns.A+<Level2>d__1.MoveNext()");
  e.add_previous_throw_ends(0);
  EXPECT_EQ(ComposeStackTrace(e), "   at Ns.A.Level3()\n   at Ns.A.Level2()");
}

TEST(ExceptionTextTest, RemoteTextInFrontAndKeptTextKept) {
  Exception e;
  e.set_remote_stack_trace("   at Far.Away()\n--- End of stack trace from previous location ---\n");
  *e.add_frames() = Recorded("Ns.A", "B", "Ns.A.B()");
  Exception* inner = e.mutable_inner();
  *inner->add_frames() = Recorded("Ns.A", "C", "Ns.A.C()");
  Exception* second = e.add_inner_exceptions();
  second->set_stack_trace("   at Kept.As.Is()");
  ComposeStackTraces(&e);
  EXPECT_EQ(e.stack_trace(),
            "   at Far.Away()\n--- End of stack trace from previous location ---\n   at Ns.A.B()");
  EXPECT_EQ(e.inner().stack_trace(), "   at Ns.A.C()");
  EXPECT_EQ(e.inner_exceptions(0).stack_trace(), "   at Kept.As.Is()");
  Exception none;
  ComposeStackTraces(&none);
  EXPECT_EQ(none.stack_trace(), "");
  Exception cut;
  *cut.add_frames() = Recorded("Ns.A", "Deep", "Ns.A.Deep(Int32)");
  cut.set_frames_omitted(3000);
  EXPECT_EQ(ComposeStackTrace(cut),
            "   at Ns.A.Deep(Int32)\n   ... 3000 more frames (cut by the report's bounds)");
}

TEST(ExceptionTextTest, MetadataNamesAndHiddenFrames) {
  Exception e;
  *e.add_frames() = Recorded("Ns.A", "Inner", "Ns.A.Inner(Int32)");
  *e.add_frames() = Recorded("Sys.Edi", "Throw", "Sys.Edi.Throw()");
  *e.add_frames() = Recorded("Ns.A+<Outer>d__1", "MoveNext", "Ns.A+<Outer>d__1.MoveNext()");
  *e.add_frames() = Recorded("Sys.Helper", "Rethrow", "Sys.Helper.Rethrow()");
  e.add_previous_throw_ends(0);
  MethodNamer namer = [](const Frame& f) -> std::optional<RuntimeMethodName> {
    const std::string& m = f.managed().method();
    if (m == "Ns.A.Inner") return RuntimeMethodName{"Ns.A.Inner(Int32 id)", false, false};
    if (m == "Sys.Edi.Throw") return RuntimeMethodName{"Sys.Edi.Throw()", true, false};
    if (m == "Sys.Helper.Rethrow") return RuntimeMethodName{"Sys.Helper.Rethrow()", true, false};
    return std::nullopt;  // the DAC's name
  };
  // Hidden frames left out, but not the last one.
  EXPECT_EQ(ComposeStackTrace(e, namer),
            "   at Ns.A.Inner(Int32 id)\n"
            "--- End of stack trace from previous location ---\n"
            "   at Ns.A.Outer()\n"
            "   at Sys.Helper.Rethrow()");
}

}  // namespace
}  // namespace ddcrash
