// The DAC stage's answer caches (dac/answer_cache.h, dac/task_index.h) change nothing: on a
// real app with many threads parked in the same methods, Collect() with the caches gives
// exactly what it gives without them (every thread, frame, name, offset, error), on .NET 8,
// 9 and 10.
#include <algorithm>
#include <memory>
#include <string>

#include "dac/dac_result.h"
#include "dac/dac_session.h"
#include "dac/testing/dotnet_app.h"
#include "gtest/gtest.h"
#include "ptrace/frozen_process.h"

namespace ddcrash::dac {
namespace {

using testing::DotnetApp;
using testing::DotnetAppDir;

ManagedState CollectOnce(FrozenProcess& frozen, bool cache_answers) {
  DacSessionOptions options;
  options.cache_answers = cache_answers;
  absl::StatusOr<std::unique_ptr<DacSession>> session = DacSession::Open(frozen, options);
  EXPECT_TRUE(session.ok()) << session.status();
  if (!session.ok()) return {};
  ManagedState state = (*session)->Collect();
  // Timings differ run to run; everything else must not.
  state.dac_load_us = 0;
  state.total_us = 0;
  return state;
}

size_t ManagedMethodFrames(const ManagedState& state) {
  size_t n = 0;
  for (const ManagedThread& t : state.threads) {
    for (const ManagedFrame& f : t.frames) n += f.text->kind == ManagedFrameKind::kManagedMethod;
  }
  return n;
}

class CacheOnRealRuntime : public ::testing::TestWithParam<const char*> {};

TEST_P(CacheOnRealRuntime, CollectGivesTheSameStateWithAndWithoutTheCaches) {
  absl::StatusOr<std::string> dir = DotnetAppDir(GetParam());
  ASSERT_TRUE(dir.ok()) << dir.status();
  absl::StatusOr<DotnetApp> app = DotnetApp::StartAndWaitReady(*dir, {"live", "40"});
  ASSERT_TRUE(app.ok()) << app.status();
  absl::StatusOr<std::unique_ptr<FrozenProcess>> frozen = FrozenProcess::Freeze(app->pid());
  ASSERT_TRUE(frozen.ok()) << frozen.status();

  const ManagedState cached = CollectOnce(**frozen, true);
  const ManagedState uncached = CollectOnce(**frozen, false);
  // 40 workers, main and the thrower parked in managed code: the caches were used.
  ASSERT_GE(cached.threads.size(), 42u);
  EXPECT_GE(ManagedMethodFrames(cached), 42u * 3);
  EXPECT_TRUE(cached.errors.empty());
  // The wire form holds every field of the state: equal bytes, equal states.
  const std::string a = SerializeDacResult(cached);
  const std::string b = SerializeDacResult(uncached);
  EXPECT_EQ(a.size(), b.size());
  EXPECT_TRUE(a == b) << "the cached and uncached DAC answers differ";
}

INSTANTIATE_TEST_SUITE_P(Tfms, CacheOnRealRuntime,
                         ::testing::Values("net8.0", "net9.0", "net10.0"),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           std::string name = info.param;
                           name.erase(std::remove(name.begin(), name.end(), '.'), name.end());
                           return name;
                         });

}  // namespace
}  // namespace ddcrash::dac
