#include "dac/managed_state_codec.h"

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
  ManagedFrame f;
  f.ip = 0x7f00;
  f.sp = 0x7ff0;
  f.kind = ManagedFrameKind::kManagedMethod;
  f.method_signature = "A.B.C(System.Int32)";
  f.method = "A.B.C";
  f.type = "A.B";
  f.module_path = "/app/A.dll";
  f.token = 0x06000001;
  f.il_offset = 12;
  f.native_offset = 0x20;
  f.code_kind = CodeKind::kJit;
  ManagedFrame g;
  g.kind = ManagedFrameKind::kRuntimeTransition;
  g.transition_frame = "InlinedCallFrame";
  g.frame_address = 0x5555;
  t.frames = {f, g};
  s.threads = {t, ManagedThread()};
  f.ip = 0x7e00;
  f.method = "A.B.Tier0";
  s.named_code = {f};
  return s;
}

TEST(ManagedStateCodec, RoundTrips) {
  ManagedState s = Sample();
  absl::StatusOr<ManagedState> d = DecodeManagedState(EncodeManagedState(s));
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(EncodeManagedState(*d), EncodeManagedState(s));
  ASSERT_EQ(d->threads.size(), 2u);
  const ManagedThread& t = d->threads[0];
  EXPECT_EQ(t.os_name, "ddcrash-thrower");
  EXPECT_TRUE(t.has_exception);
  ASSERT_EQ(t.exception.inner.size(), 1u);
  EXPECT_EQ(t.exception.inner[0].message, "inner");
  ASSERT_EQ(t.frames.size(), 2u);
  EXPECT_EQ(t.frames[0].method, "A.B.C");
  EXPECT_EQ(t.frames[0].code_kind, CodeKind::kJit);
  EXPECT_EQ(t.frames[1].kind, ManagedFrameKind::kRuntimeTransition);
  EXPECT_EQ(t.frames[1].transition_frame, "InlinedCallFrame");
  ASSERT_EQ(d->named_code.size(), 1u);
  EXPECT_EQ(d->named_code[0].ip, 0x7e00u);
  EXPECT_EQ(d->named_code[0].method, "A.B.Tier0");
}

TEST(ManagedStateCodec, EveryTruncationIsAnError) {
  std::string bytes = EncodeManagedState(Sample());
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(DecodeManagedState(std::string_view(bytes.data(), n)).ok()) << n;
  }
  EXPECT_FALSE(DecodeManagedState(bytes + "x").ok());
}

TEST(ManagedStateCodec, CorruptBytesNeverCrash) {
  std::string bytes = EncodeManagedState(Sample());
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (uint8_t x : {0x01, 0x80, 0xFF}) {
      std::string copy = bytes;
      copy[i] = static_cast<char>(copy[i] ^ x);
      (void)DecodeManagedState(copy);
    }
  }
}

}  // namespace
}  // namespace ddcrash::dac
