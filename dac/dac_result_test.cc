#include "dac/dac_result.h"

#include <unistd.h>

#include <cstring>
#include <thread>

#include "dac/dac_result.pb.h"
#include "dac/testing/managed_frames.h"
#include "gtest/gtest.h"

namespace ddcrash::dac {
namespace {

ManagedState Sample() {
  ManagedState s;
  s.runtime_version = "9.0.20";
  s.runtime_path = "/app/libcoreclr.so";
  s.dac_path = "/app/libmscordaccore.so";
  s.dac_match = "version stamp '@(#)Version 9.0.2026.41315'";
  s.dac_load_us = 700;
  s.total_us = 30000;
  s.errors = {"one", ""};
  ManagedThread t;
  t.os_thread_id = 42;
  t.managed_id = 7;
  t.thread_address = 0x1234;
  t.state = 0x220;
  t.is_background = true;
  t.os_name = "ddcrash-thrower";
  t.has_exception = true;
  t.exception.type = "System.ApplicationException";
  t.exception.message = "outer \xC3\xA9";
  t.exception.hresult = static_cast<int32_t>(0x80131600);
  ManagedException inner;
  inner.type = "System.InvalidOperationException";
  inner.message = "inner";
  t.exception.inner.push_back(inner);
  t.exception.inner_exceptions = {inner, inner};
  t.exception.inner_exceptions[1].message = "second";
  t.exception.inner_exceptions_omitted = 3;
  FrameText text;
  text.kind = ManagedFrameKind::kManagedMethod;
  text.method_signature = "A.B.C(System.Int32)";
  text.method = "A.B.C";
  text.type = "A.B";
  text.module_path = "/app/A.dll";
  text.token = 0x06000001;
  text.il_offset = 12;
  text.native_offset = 0x20;
  text.method_start = 0x7ee0;
  text.method_desc = 0xabc0;
  text.code_kind = CodeKind::kJit;
  text.source_file = "/src/A/B.cs";
  text.source_line = 212;
  text.source_column = 9;
  ManagedFrame f = FrameWith(0x7f00, 0x7ff0, text);
  FrameText transition;
  transition.kind = ManagedFrameKind::kRuntimeTransition;
  transition.transition_frame = "InlinedCallFrame";
  ManagedFrame g = FrameWith(0, 0, transition);
  g.frame_address = 0x5555;
  t.frames = {f, g};
  t.exception.frames = {f, f};
  EditText(t.exception.frames[1], [](FrameText& x) { x.method = "A.B.Rethrower"; });
  t.exception.previous_throw_ends = {0};
  t.exception.remote_stack_trace = "   at Remote.Frame()\n";
  t.exception.frames_omitted = 5;
  s.threads = {t, ManagedThread()};
  f.ip = 0x7e00;
  EditText(f, [](FrameText& x) { x.method = "A.B.Tier0"; });
  s.named_code = {f};
  s.modules = {{"/app/A.dll", "mvid", "pdbid-1", "C:\\b\\A.pdb", "/app/A.pdb", "", 2},
               {"/app/C.dll", "", "", "", "", "no PDB", 0}};
  s.source_lines_us = 1234;
  return s;
}

TEST(DacResult, StateRoundTripsFieldForField) {
  absl::StatusOr<ManagedState> d = ParseDacResult(SerializeDacResult(Sample()));
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->runtime_version, "9.0.20");
  EXPECT_EQ(d->runtime_path, "/app/libcoreclr.so");
  EXPECT_EQ(d->dac_path, "/app/libmscordaccore.so");
  EXPECT_EQ(d->dac_match, "version stamp '@(#)Version 9.0.2026.41315'");
  EXPECT_EQ(d->dac_load_us, 700u);
  EXPECT_EQ(d->total_us, 30000u);
  EXPECT_EQ(d->errors, (std::vector<std::string>{"one", ""}));
  ASSERT_EQ(d->threads.size(), 2u);
  const ManagedThread& t = d->threads[0];
  EXPECT_EQ(t.os_thread_id, 42u);
  EXPECT_EQ(t.managed_id, 7u);
  EXPECT_EQ(t.thread_address, 0x1234u);
  EXPECT_EQ(t.state, 0x220);
  EXPECT_TRUE(t.is_background);
  EXPECT_FALSE(t.is_finalizer || t.is_gc || t.is_threadpool || t.is_dead || t.is_unstarted);
  EXPECT_EQ(t.os_name, "ddcrash-thrower");
  ASSERT_TRUE(t.has_exception);
  EXPECT_EQ(t.exception.type, "System.ApplicationException");
  EXPECT_EQ(t.exception.message, "outer \xC3\xA9");
  EXPECT_EQ(t.exception.hresult, static_cast<int32_t>(0x80131600));
  ASSERT_EQ(t.exception.inner.size(), 1u);
  EXPECT_EQ(t.exception.inner[0].message, "inner");
  ASSERT_EQ(t.exception.inner_exceptions.size(), 2u);
  EXPECT_EQ(t.exception.inner_exceptions[0].message, "inner");
  EXPECT_EQ(t.exception.inner_exceptions[1].message, "second");
  EXPECT_EQ(t.exception.inner_exceptions_omitted, 3u);
  ASSERT_EQ(t.exception.frames.size(), 2u);
  EXPECT_EQ(t.exception.frames[0].text->method, "A.B.C");
  EXPECT_EQ(t.exception.frames[0].text->il_offset, 12u);
  EXPECT_EQ(t.exception.frames[1].text->method, "A.B.Rethrower");
  EXPECT_EQ(t.exception.previous_throw_ends, (std::vector<uint32_t>{0}));
  EXPECT_EQ(t.exception.remote_stack_trace, "   at Remote.Frame()\n");
  EXPECT_EQ(t.exception.frames_omitted, 5u);
  ASSERT_EQ(t.frames.size(), 2u);
  const ManagedFrame& f = t.frames[0];
  EXPECT_EQ(f.ip, 0x7f00u);
  EXPECT_EQ(f.sp, 0x7ff0u);
  EXPECT_EQ(f.text->kind, ManagedFrameKind::kManagedMethod);
  EXPECT_EQ(f.text->method_signature, "A.B.C(System.Int32)");
  EXPECT_EQ(f.text->method, "A.B.C");
  EXPECT_EQ(f.text->type, "A.B");
  EXPECT_EQ(f.text->module_path, "/app/A.dll");
  EXPECT_EQ(f.text->token, 0x06000001u);
  EXPECT_EQ(f.text->il_offset, 12u);
  EXPECT_EQ(f.text->native_offset, 0x20u);
  EXPECT_EQ(f.text->method_start, 0x7ee0u);
  EXPECT_EQ(f.text->method_desc, 0xabc0u);
  EXPECT_EQ(f.text->code_kind, CodeKind::kJit);
  EXPECT_EQ(f.text->source_file, "/src/A/B.cs");
  EXPECT_EQ(f.text->source_line, 212u);
  EXPECT_EQ(f.text->source_column, 9u);
  EXPECT_EQ(t.frames[1].text->kind, ManagedFrameKind::kRuntimeTransition);
  EXPECT_EQ(t.frames[1].text->transition_frame, "InlinedCallFrame");
  EXPECT_EQ(t.frames[1].frame_address, 0x5555u);
  EXPECT_FALSE(d->threads[1].has_exception);
  EXPECT_TRUE(d->threads[1].frames.empty());
  ASSERT_EQ(d->named_code.size(), 1u);
  EXPECT_EQ(d->named_code[0].ip, 0x7e00u);
  EXPECT_EQ(d->named_code[0].text->method, "A.B.Tier0");
  ASSERT_EQ(d->modules.size(), 2u);
  EXPECT_EQ(d->modules[0].path, "/app/A.dll");
  EXPECT_EQ(d->modules[0].mvid, "mvid");
  EXPECT_EQ(d->modules[0].pdb_id, "pdbid-1");
  EXPECT_EQ(d->modules[0].codeview_path, "C:\\b\\A.pdb");
  EXPECT_EQ(d->modules[0].pdb_location, "/app/A.pdb");
  EXPECT_EQ(d->modules[0].frames, 2u);
  EXPECT_EQ(d->modules[1].pdb_problem, "no PDB");
  EXPECT_EQ(d->source_lines_us, 1234u);
}

TEST(DacResult, ErrorComesBackWithItsCodeAndMessage) {
  absl::StatusOr<ManagedState> d =
      ParseDacResult(SerializeDacResult(absl::FailedPreconditionError("DAC refused: mismatch")));
  EXPECT_TRUE(absl::IsFailedPrecondition(d.status())) << d.status();
  EXPECT_EQ(d.status().message(), "DAC refused: mismatch");
}

TEST(DacResult, UnknownErrorCodeIsStillAnError) {
  wire::DacResult message;
  message.mutable_error()->set_code(0);
  message.mutable_error()->set_message("odd");
  absl::StatusOr<ManagedState> d = ParseDacResult(message.SerializeAsString());
  EXPECT_TRUE(absl::IsUnknown(d.status())) << d.status();
  message.mutable_error()->set_code(999);
  EXPECT_TRUE(absl::IsUnknown(ParseDacResult(message.SerializeAsString()).status()));
}

TEST(DacResult, EmptyAndGarbageInputAreDataLoss) {
  EXPECT_TRUE(absl::IsDataLoss(ParseDacResult("").status()));
  EXPECT_TRUE(absl::IsDataLoss(ParseDacResult("\xff\xff\xff").status()));
}

TEST(DacResult, OutOfRangeEnumIsRefused) {
  wire::DacResult message;
  message.mutable_state()->add_frame_texts()->set_kind(static_cast<wire::FrameText::Kind>(7));
  EXPECT_TRUE(absl::IsDataLoss(ParseDacResult(message.SerializeAsString()).status()));
}

TEST(DacResult, RepeatedTextIsSentOnceAndIndicesAreChecked) {
  ManagedState s;
  s.threads.resize(300);
  // Texts equal in content but each a copy of its own (as no DacSession makes them): sent
  // once all the same.
  FrameText park;
  park.method_signature = "Ddcrash.Parker.ParkHere(System.Int32)";
  park.module_path = "/app/Ddcrash.TestApp.dll";
  FrameText run;
  run.method_signature = "Ddcrash.Parker.Run()";
  run.module_path = "/app/Ddcrash.TestApp.dll";
  for (ManagedThread& t : s.threads) t.frames = {FrameWith(0, 0, park), FrameWith(0, 0, run)};
  s.threads[299].frames[1].sp = 0x7000;  // where a frame is is no part of its text
  // Any other field is.
  EditText(s.threads[298].frames[1], [](FrameText& x) { x.source_line = 12; });
  const std::string bytes = SerializeDacResult(s);
  wire::DacResult message;
  ASSERT_TRUE(message.ParseFromString(bytes));
  // The two frames of every thread, and the one with a line.
  EXPECT_EQ(message.state().frame_texts_size(), 3);
  absl::StatusOr<ManagedState> d = ParseDacResult(bytes);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->threads[299].frames[1].text->method_signature, "Ddcrash.Parker.Run()");
  EXPECT_EQ(d->threads[299].frames[1].text->module_path, "/app/Ddcrash.TestApp.dll");
  EXPECT_EQ(d->threads[299].frames[1].text->method, "");
  EXPECT_EQ(d->threads[299].frames[1].sp, 0x7000u);
  EXPECT_EQ(d->threads[299].frames[1].text->source_line, 0u);
  EXPECT_EQ(d->threads[298].frames[1].text->source_line, 12u);
  EXPECT_EQ(d->threads[298].frames[1].sp, 0u);
  // One text, one object, however many frames show it.
  EXPECT_EQ(d->threads[0].frames[1].text, d->threads[299].frames[1].text);
  EXPECT_EQ(d->threads[0].frames[0].text, d->threads[1].frames[0].text);

  // An index past the table names no text: the result is refused, not read out of bounds.
  message.mutable_state()->mutable_threads(7)->mutable_frames(0)->set_text(3);
  EXPECT_TRUE(absl::IsDataLoss(ParseDacResult(message.SerializeAsString()).status()));
}

TEST(DacResult, WrittenToAPipeAsItsSizeThenItsBytes) {
  ManagedState s;
  s.runtime_version = "10.0.1";
  s.threads.resize(50);
  for (ManagedThread& t : s.threads) t.frames.resize(20);
  const std::string bytes = SerializeDacResult(s);
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  // More than a pipe holds: read while it is written.
  std::string got;
  std::thread reader([&] {
    char buf[4096];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof(buf))) > 0) got.append(buf, static_cast<size_t>(n));
  });
  EXPECT_TRUE(WriteDacResult(fds[1], s));
  close(fds[1]);
  reader.join();
  close(fds[0]);
  ASSERT_GE(got.size(), sizeof(uint64_t));
  uint64_t size = 0;
  std::memcpy(&size, got.data(), sizeof(size));
  EXPECT_EQ(size, bytes.size());
  EXPECT_EQ(got.substr(sizeof(size)), bytes);
}

TEST(DacResult, ExceptionChainsAreCutWhenWrittenAndRefusedWhenTooDeep) {
  ManagedState s;
  s.threads.resize(1);
  s.threads[0].has_exception = true;
  ManagedException* e = &s.threads[0].exception;
  for (int depth = 0; depth < kMaxWireExceptionDepth + 5; ++depth) {
    e->inner.resize(1);
    e = &e->inner[0];
  }
  absl::StatusOr<ManagedState> d = ParseDacResult(SerializeDacResult(s));
  ASSERT_TRUE(d.ok()) << d.status();
  int depth = 0;
  for (const ManagedException* x = &d->threads[0].exception; !x->inner.empty(); x = &x->inner[0]) {
    ++depth;
  }
  EXPECT_EQ(depth, kMaxWireExceptionDepth);

  // A child that writes a deeper chain (it ran over corrupt memory) is refused.
  wire::DacResult deep;
  wire::ManagedException* w = deep.mutable_state()->add_threads()->mutable_exception();
  for (int i = 0; i < kMaxWireExceptionDepth + 1; ++i) w = w->add_inner();
  EXPECT_TRUE(absl::IsDataLoss(ParseDacResult(deep.SerializeAsString()).status()));
  // So is one nested as aggregates.
  wire::DacResult deep_aggregate;
  w = deep_aggregate.mutable_state()->add_threads()->mutable_exception();
  for (int i = 0; i < kMaxWireExceptionDepth + 1; ++i) w = w->add_inner_exceptions();
  EXPECT_TRUE(absl::IsDataLoss(ParseDacResult(deep_aggregate.SerializeAsString()).status()));
}

TEST(DacResult, CorruptBytesParseOrFailAsDataLoss) {
  const std::string bytes = SerializeDacResult(Sample());
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (uint8_t x : {0x01, 0x80, 0xFF}) {
      std::string copy = bytes;
      copy[i] = static_cast<char>(copy[i] ^ x);
      absl::StatusOr<ManagedState> d = ParseDacResult(copy);
      // A flipped byte can turn the state into an error result, never into a crash or an
      // unbounded thread list.
      if (d.ok()) {
        EXPECT_LE(d->threads.size(), 2u) << i;
      } else {
        EXPECT_FALSE(d.status().message().empty()) << i;
      }
    }
  }
}

TEST(DacResult, PreviousThrowEndNamingNoFrameIsRefused) {
  wire::DacResult result;
  wire::ManagedException* w = result.mutable_state()->add_threads()->mutable_exception();
  w->set_type("System.Exception");
  result.mutable_state()->add_frame_texts()->set_method("A.B");
  w->add_frames()->set_text(0);
  w->add_previous_throw_ends(1);
  EXPECT_FALSE(ParseDacResult(result.SerializeAsString()).ok());
  w->set_previous_throw_ends(0, 0);
  EXPECT_TRUE(ParseDacResult(result.SerializeAsString()).ok());
}

}  // namespace
}  // namespace ddcrash::dac
