// The DAC against REAL runtimes: the test app published self-contained for .NET 8, 9 and 10
// (tests/dotnet/build.sh), started in "live" mode, frozen with ptrace, named by its own DAC.
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "dac/dac_locator.h"
#include "dac/dac_session.h"
#include "dac/isolated_dac.h"
#include "dac/runtime_info.h"
#include "dac/testing/dotnet_app.h"
#include "gtest/gtest.h"
#include "ptrace/frozen_process.h"

namespace ddcrash::dac {
namespace {

// Line `line` (1-based) of the text file `path`; empty when there is none.
std::string SourceLine(const std::string& path, uint32_t line) {
  std::ifstream in(path);
  std::string text;
  for (uint32_t i = 0; i < line && std::getline(in, text); ++i) {
  }
  return in ? text : std::string();
}

using testing::DotnetApp;
using testing::DotnetAppDir;

struct Tfm {
  const char* name;
  int major;
};

const Tfm kTfms[] = {{"net8.0", 8}, {"net9.0", 9}, {"net10.0", 10}};

std::string Describe(const ManagedThread& t) {
  std::string s = absl::StrCat("thread tid=", t.os_thread_id, " managed=", t.managed_id,
                               " os_name='", t.os_name, "'", t.is_finalizer ? " finalizer" : "",
                               t.frames_error.empty() ? "" : " frames_error=" + t.frames_error,
                               "\n");
  if (t.has_exception) {
    absl::StrAppend(&s, "  exception ", t.exception.type, ": ", t.exception.message, " hr=0x",
                    absl::Hex(static_cast<uint32_t>(t.exception.hresult)), "\n");
  }
  for (const ManagedFrame& f : t.frames) {
    absl::StrAppend(&s, "  ip=0x", absl::Hex(f.ip), " sp=0x", absl::Hex(f.sp), " kind=",
                    static_cast<int>(f.text->kind), " ", f.text->method_signature,
                    f.text->transition_frame.empty() ? "" : " [" + f.text->transition_frame + "]", " tok=0x",
                    absl::Hex(f.text->token), " il=", static_cast<int32_t>(f.text->il_offset), " +0x",
                    absl::Hex(f.text->native_offset), " code=", static_cast<int>(f.text->code_kind), " ",
                    f.text->module_path, "\n");
  }
  return s;
}

// Index of the first frame whose method is exactly `method`, or -1.
int FindFrame(const std::vector<ManagedFrame>& frames, const std::string& method) {
  for (size_t i = 0; i < frames.size(); ++i) {
    if (frames[i].text->method == method) return static_cast<int>(i);
  }
  return -1;
}

class DacOnRealRuntime : public ::testing::TestWithParam<Tfm> {};

TEST_P(DacOnRealRuntime, NamesParkedThreadsAndTheExceptionInFlight) {
  const Tfm tfm = GetParam();
  absl::StatusOr<std::string> dir = DotnetAppDir(tfm.name);
  ASSERT_TRUE(dir.ok()) << dir.status();
  absl::StatusOr<DotnetApp> app = DotnetApp::StartAndWaitReady(*dir, {"live"});
  ASSERT_TRUE(app.ok()) << app.status();

  absl::StatusOr<std::unique_ptr<FrozenProcess>> frozen = FrozenProcess::Freeze(app->pid());
  ASSERT_TRUE(frozen.ok()) << frozen.status();

  absl::StatusOr<std::unique_ptr<DacSession>> session = DacSession::Open(**frozen);
  ASSERT_TRUE(session.ok()) << session.status();
  const RuntimeInfo& runtime = (*session)->runtime();
  EXPECT_EQ(runtime.kind, RuntimeInfo::Kind::kSharedLibrary);
  EXPECT_EQ(runtime.module_path, *dir + "/libcoreclr.so");
  EXPECT_EQ(runtime.version.major, tfm.major) << runtime.stamp.text;
  EXPECT_EQ((*session)->dac().path, *dir + "/libmscordaccore.so");
  EXPECT_TRUE(absl::StartsWith((*session)->dac().match, "version stamp")) << (*session)->dac().match;
  std::printf("%s: runtime %s (%s), DAC %s, dac load %s, open %s\n", tfm.name,
              runtime.version.ToString().c_str(), runtime.stamp.text.c_str(),
              (*session)->dac().path.c_str(),
              absl::FormatDuration((*session)->dac_load_time()).c_str(),
              absl::FormatDuration((*session)->open_time()).c_str());

  absl::Time start = absl::Now();
  ManagedState state = (*session)->Collect();
  std::printf("%s: collect %s, %zu managed threads, %llu bytes read in %llu reads\n", tfm.name,
              absl::FormatDuration(absl::Now() - start).c_str(), state.threads.size(),
              static_cast<unsigned long long>((*session)->data_target().stats().bytes_read),
              static_cast<unsigned long long>((*session)->data_target().stats().reads));
  for (const std::string& e : state.errors) ADD_FAILURE() << e;

  std::string all;
  for (const ManagedThread& t : state.threads) all += Describe(t);
  std::printf("%s", all.c_str());

  // Main thread: Parker.ParkMain above Program.RunLive above Program.Main.
  const ManagedThread* main_thread = nullptr;
  int workers = 0;
  std::set<std::string> worker_names;
  const ManagedThread* thrower = nullptr;
  bool finalizer = false;
  for (const ManagedThread& t : state.threads) {
    finalizer |= t.is_finalizer;
    if (t.os_thread_id == static_cast<uint32_t>(app->pid())) main_thread = &t;
    int park = FindFrame(t.frames, "Ddcrash.TestApp.Parker.ParkHere");
    int run = FindFrame(t.frames, "Ddcrash.TestApp.Worker.Run");
    if (park >= 0 && run >= 0) {
      ++workers;
      EXPECT_LT(park, run) << all;
      worker_names.insert(t.os_name);
      const ManagedFrame& f = t.frames[park];
      EXPECT_EQ(f.text->type, "Ddcrash.TestApp.Parker");
      EXPECT_TRUE(absl::EndsWith(f.text->module_path, "Ddcrash.TestApp.dll")) << f.text->module_path;
      EXPECT_EQ(f.text->token >> 24, 0x06u) << "MethodDef token";
      EXPECT_EQ(f.text->code_kind, CodeKind::kJit);
      EXPECT_NE(f.text->il_offset, kNoIlOffset);
    }
    if (FindFrame(t.frames, "Ddcrash.TestApp.Thrower.Run") >= 0) thrower = &t;
  }
  EXPECT_EQ(workers, 3) << all;
  // Linux keeps 15 bytes of a thread name: "ddcrash-worker-N" shows as "ddcrash-worker-".
  EXPECT_EQ(worker_names, (std::set<std::string>{"ddcrash-worker-"}));
  EXPECT_TRUE(finalizer);
  ASSERT_NE(main_thread, nullptr) << all;
  int park_main = FindFrame(main_thread->frames, "Ddcrash.TestApp.Parker.ParkMain");
  int run_live = FindFrame(main_thread->frames, "Ddcrash.TestApp.Program.RunLive");
  int main_frame = FindFrame(main_thread->frames, "Ddcrash.TestApp.Program.Main");
  EXPECT_GE(park_main, 0) << all;
  EXPECT_EQ(FindFrame(main_thread->frames, "Ddcrash.TestApp.Parker.ParkHere"), park_main - 1)
      << all;
  EXPECT_LT(park_main, run_live) << all;
  EXPECT_LT(run_live, main_frame) << all;

  // The thread parked inside an exception filter has the exception in flight.
  ASSERT_NE(thrower, nullptr) << all;
  EXPECT_EQ(thrower->os_name, "ddcrash-thrower");
  EXPECT_GE(FindFrame(thrower->frames, "Ddcrash.TestApp.Parker.ParkInFilter"), 0) << all;
  ASSERT_TRUE(thrower->has_exception) << all;
  EXPECT_EQ(thrower->exception.type, "System.InvalidOperationException");
  EXPECT_EQ(thrower->exception.message, "ddcrash test: in flight");
  EXPECT_EQ(static_cast<uint32_t>(thrower->exception.hresult), 0x80131509u);  // COR_E_INVALIDOPERATION
  // Its recorded stack trace (_stackTrace), throw site first, already holds the throw site
  // while the filter runs.
  ASSERT_FALSE(thrower->exception.frames.empty()) << all;
  const ManagedFrame& site = thrower->exception.frames[0];
  EXPECT_EQ(site.text->kind, ManagedFrameKind::kManagedMethod);
  EXPECT_EQ(site.text->method, "Ddcrash.TestApp.Thrower.ThrowInFlight");
  EXPECT_EQ(site.text->token >> 24, 0x06u);
  EXPECT_TRUE(absl::EndsWith(site.text->module_path, "/Ddcrash.TestApp.dll")) << site.text->module_path;
  EXPECT_NE(site.text->il_offset, kNoIlOffset);
  EXPECT_NE(site.text->method_start, 0u);
  EXPECT_TRUE(thrower->exception.previous_throw_ends.empty());
}

INSTANTIATE_TEST_SUITE_P(Runtimes, DacOnRealRuntime, ::testing::ValuesIn(kTfms),
                         [](const ::testing::TestParamInfo<Tfm>& info) {
                           return absl::StrCat("dotnet", info.param.major);
                         });

// The production path: the DAC in a forked child, the result carried back over a pipe.
TEST_P(DacOnRealRuntime, IsolatedChildGivesTheSameAnswer) {
  const Tfm tfm = GetParam();
  absl::StatusOr<std::string> dir = DotnetAppDir(tfm.name);
  ASSERT_TRUE(dir.ok()) << dir.status();
  absl::StatusOr<DotnetApp> app = DotnetApp::StartAndWaitReady(*dir, {"live"});
  ASSERT_TRUE(app.ok()) << app.status();
  absl::StatusOr<std::unique_ptr<FrozenProcess>> frozen = FrozenProcess::Freeze(app->pid());
  ASSERT_TRUE(frozen.ok()) << frozen.status();
  absl::Time start = absl::Now();
  absl::StatusOr<ManagedState> state = CollectManagedStateIsolated(**frozen);
  ASSERT_TRUE(state.ok()) << state.status();
  std::printf("%s: isolated DAC stage %s (DAC load %llu us in the child)\n", tfm.name,
              absl::FormatDuration(absl::Now() - start).c_str(),
              static_cast<unsigned long long>(state->dac_load_us));
  EXPECT_EQ(state->runtime_version.substr(0, state->runtime_version.find('.')),
            std::to_string(tfm.major));
  EXPECT_TRUE(state->errors.empty());
  int workers = 0;
  bool exception = false;
  for (const ManagedThread& t : state->threads) {
    int park = FindFrame(t.frames, "Ddcrash.TestApp.Parker.ParkHere");
    int run = FindFrame(t.frames, "Ddcrash.TestApp.Worker.Run");
    if (park >= 0 && run > park) ++workers;
    if (t.has_exception && t.exception.message == "ddcrash test: in flight") exception = true;
  }
  EXPECT_EQ(workers, 3);
  EXPECT_TRUE(exception);
  // Source lines, read in the child from the PDB published beside the app's assembly, are the
  // lines of the calls each frame is in (a caller's return address - 1): the source text there
  // says so. Worker.Run and ParkMain end with their call, where the return address itself is
  // in the epilog (no line).
  const std::map<std::string, std::string> calls = {
      {"Ddcrash.TestApp.Parker.ParkHere", "Monitor.Wait("},
      {"Ddcrash.TestApp.Worker.Run", "ParkHere("},
      {"Ddcrash.TestApp.Parker.ParkMain", "ParkHere("},
  };
  std::map<std::string, int> checked;
  for (const ManagedThread& t : state->threads) {
    for (const ManagedFrame& f : t.frames) {
      auto call = calls.find(f.text->method);
      if (call == calls.end()) continue;
      ASSERT_GT(f.text->source_line, 0u) << f.text->method;
      const std::string text = SourceLine(f.text->source_file, f.text->source_line);
      EXPECT_TRUE(absl::StrContains(text, call->second))
          << f.text->method << " at " << f.text->source_file << ":" << f.text->source_line << ": " << text;
      ++checked[f.text->method];
    }
  }
  EXPECT_EQ(checked.size(), calls.size());
  bool app_module = false;
  for (const ManagedModule& m : state->modules) {
    if (!absl::EndsWith(m.path, "/Ddcrash.TestApp.dll")) continue;
    app_module = true;
    EXPECT_EQ(m.pdb_location, absl::StrCat(*dir, "/Ddcrash.TestApp.pdb"));
    EXPECT_EQ(m.pdb_problem, "");
    EXPECT_EQ(m.mvid.size(), 36u);
  }
  EXPECT_TRUE(app_module);
}

// Another runtime's DAC is refused, with both identities in the message, before any loading.
TEST(DacOnRealRuntime, RefusesTheDacOfAnotherRuntime) {
  absl::StatusOr<std::string> net8 = DotnetAppDir("net8.0");
  absl::StatusOr<std::string> net9 = DotnetAppDir("net9.0");
  ASSERT_TRUE(net8.ok() && net9.ok());
  absl::StatusOr<DotnetApp> app = DotnetApp::StartAndWaitReady(*net9, {"live"});
  ASSERT_TRUE(app.ok()) << app.status();
  absl::StatusOr<std::unique_ptr<FrozenProcess>> frozen = FrozenProcess::Freeze(app->pid());
  ASSERT_TRUE(frozen.ok()) << frozen.status();
  absl::StatusOr<RuntimeInfo> runtime =
      FindRuntime((*frozen)->modules().modules(), (*frozen)->memory());
  ASSERT_TRUE(runtime.ok()) << runtime.status();
  EXPECT_EQ(runtime->version.major, 9);

  absl::StatusOr<DacLocation> wrong = CheckDac(*runtime, *net8 + "/libmscordaccore.so");
  ASSERT_TRUE(absl::IsFailedPrecondition(wrong.status())) << wrong.status();
  EXPECT_TRUE(absl::StrContains(wrong.status().message(), "does not match")) << wrong.status();
  EXPECT_TRUE(absl::StrContains(wrong.status().message(), "@(#)Version 8.0.")) << wrong.status();
  EXPECT_TRUE(absl::StrContains(wrong.status().message(), "@(#)Version 9.0.")) << wrong.status();

  DacSessionOptions options;
  options.dac_path = *net8 + "/libmscordaccore.so";
  absl::StatusOr<std::unique_ptr<DacSession>> session = DacSession::Open(**frozen, options);
  EXPECT_TRUE(absl::IsFailedPrecondition(session.status())) << session.status();

  // The right one is accepted.
  absl::StatusOr<DacLocation> right = CheckDac(*runtime, *net9 + "/libmscordaccore.so");
  EXPECT_TRUE(right.ok()) << right.status();
}

}  // namespace
}  // namespace ddcrash::dac
