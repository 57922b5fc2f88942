#include "symbolize/deferred_symbolizer.h"

#include <elf.h>
#include <stdlib.h>

#include <fstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "elf/elf_file.h"
#include "gtest/gtest.h"

namespace ddcrash {
namespace {

constexpr char kDebugFile[] = "unwind/testdata/fixture_stripped.debug";
constexpr uint64_t kBase = 0x555500000000;

// Gives one fixed file (or an error) for every query.
class FixedSource : public DebugFileSource {
 public:
  explicit FixedSource(absl::StatusOr<std::string> path) : path_(std::move(path)) {}
  std::string Describe() const override { return "fixed"; }
  absl::StatusOr<FoundDebugFile> Find(const DebugFileQuery& query) override {
    queries.push_back(query);
    if (!path_.ok()) return path_.status();
    return FoundDebugFile{*path_, absl::StrCat("fixed ", *path_)};
  }
  std::vector<DebugFileQuery> queries;

 private:
  absl::StatusOr<std::string> path_;
};

struct Fixture {
  std::string build_id;
  uint64_t first_page = 0;
  ElfSymbol function;  // a sized function of the debug file
};

Fixture ReadFixture() {
  Fixture fixture;
  absl::StatusOr<std::unique_ptr<ElfFile>> elf = ElfFile::Open(kDebugFile);
  EXPECT_TRUE(elf.ok()) << elf.status();
  fixture.build_id = absl::BytesToHexString((*elf)->BuildId());
  uint64_t first = UINT64_MAX;
  for (const ElfProgramHeader& header : (*elf)->program_headers()) {
    if (header.type == PT_LOAD) first = std::min(first, header.vaddr);
  }
  fixture.first_page = first - first % 4096;
  absl::StatusOr<std::vector<ElfSymbol>> symbols = (*elf)->ReadSymbols(SymbolTableKind::kSymtab);
  EXPECT_TRUE(symbols.ok()) << symbols.status();
  if (!symbols.ok()) return fixture;
  for (const ElfSymbol& symbol : *symbols) {
    if (symbol.type == STT_FUNC && symbol.size > 16 && symbol.name == "main") fixture.function = symbol;
  }
  EXPECT_EQ(fixture.function.name, "main");
  return fixture;
}

// One thread: frame 0 at the function's start (exact ip), frame 1 a return address 8 bytes in,
// frame 2 a named frame, frame 3 in a module without build id.
Report MakeReport(const Fixture& fixture) {
  Report report;
  Module* module = report.add_modules();
  module->set_path("/opt/app/fixture_stripped");
  module->set_base(kBase);
  module->set_size(0x100000);
  module->set_build_id(fixture.build_id);
  module->set_format(MODULE_FORMAT_ELF);
  Module* anonymous = report.add_modules();
  anonymous->set_path("/opt/app/libnoid.so");
  anonymous->set_format(MODULE_FORMAT_ELF);
  Thread* thread = report.add_threads();
  const uint64_t start = kBase + fixture.function.value - fixture.first_page;
  for (uint64_t ip : {start, start + 8, start + 12}) {
    Frame* frame = thread->add_frames();
    frame->set_index(thread->frames_size() - 1);
    frame->set_ip(ip);
    frame->set_module_index(0);
    frame->set_module_offset(ip - kBase);
    frame->set_kind(FRAME_KIND_NATIVE);
    frame->set_trust(thread->frames_size() == 1 ? FRAME_TRUST_CONTEXT : FRAME_TRUST_CFI);
  }
  thread->mutable_frames(2)->set_function("already_named");
  Frame* other = thread->add_frames();
  other->set_module_index(1);
  other->set_module_offset(0x40);
  other->set_kind(FRAME_KIND_NATIVE);
  return report;
}

TEST(DeferredSymbolizerTest, NamesUnnamedFramesAndSaysFromWhere) {
  const Fixture fixture = ReadFixture();
  Report report = MakeReport(fixture);
  FixedSource missing(absl::NotFoundError("HTTP 404"));
  FixedSource good(std::string{kDebugFile});
  SymbolizeDeferred({&missing, &good}, absl::FromUnixSeconds(7), "v1", &report);

  ASSERT_EQ(missing.queries.size(), 1u);
  EXPECT_EQ(missing.queries[0].build_id, fixture.build_id);
  EXPECT_EQ(missing.queries[0].file_name, "fixture_stripped");
  const Thread& thread = report.threads(0);
  EXPECT_EQ(thread.frames(0).function(), "main");
  EXPECT_EQ(thread.frames(0).function_offset(), 0u);
  EXPECT_EQ(thread.frames(0).function_source(), absl::StrCat("fixed ", kDebugFile));
  EXPECT_EQ(thread.frames(1).function(), "main");
  EXPECT_EQ(thread.frames(1).function_offset(), 8u);
  EXPECT_EQ(thread.frames(2).function(), "already_named");
  EXPECT_EQ(thread.frames(2).function_source(), "");
  EXPECT_EQ(thread.frames(3).function(), "");

  const DeferredSymbolization& account = report.deferred_symbolization();
  EXPECT_EQ(account.time_unix_nanos(), 7000000000);
  EXPECT_EQ(account.symbolizer_version(), "v1");
  ASSERT_EQ(account.modules_size(), 1);  // the module without build id is not looked up
  EXPECT_EQ(account.modules(0).module_index(), 0);
  EXPECT_EQ(account.modules(0).source(), absl::StrCat("fixed ", kDebugFile));
  EXPECT_EQ(account.modules(0).frames_named(), 2u);
  EXPECT_EQ(account.modules(0).frames_unnamed(), 0u);
  ASSERT_EQ(account.modules(0).errors_size(), 1);
  EXPECT_EQ(account.modules(0).errors(0), "fixed: HTTP 404");
}

TEST(DeferredSymbolizerTest, ReturnAddressAtTheNextFunctionNamesTheCaller) {
  const Fixture fixture = ReadFixture();
  Report report = MakeReport(fixture);
  // A call ending `main`: the return address is the first byte after it.
  Frame& frame = *report.mutable_threads(0)->mutable_frames(1);
  frame.set_module_offset(fixture.function.value + fixture.function.size - fixture.first_page);
  FixedSource good(std::string{kDebugFile});
  SymbolizeDeferred({&good}, absl::Now(), "v1", &report);
  EXPECT_EQ(report.threads(0).frames(1).function(), "main");
  EXPECT_EQ(report.threads(0).frames(1).function_offset(), fixture.function.size);
}

TEST(DeferredSymbolizerTest, BadDebugFilesCostTheNamesOnly) {
  const Fixture fixture = ReadFixture();
  const std::string corrupt = absl::StrCat(getenv("TEST_TMPDIR"), "/corrupt.debug");
  {
    std::ifstream in(kDebugFile, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    bytes.resize(200);  // an ELF header whose tables lie past the end
    std::ofstream(corrupt, std::ios::binary) << bytes;
  }
  const std::string text = absl::StrCat(getenv("TEST_TMPDIR"), "/text.debug");
  std::ofstream(text) << "not ELF";
  Report report = MakeReport(fixture);
  report.mutable_modules(0)->set_build_id("00112233445566778899aabbccddeeff00112233");  // mismatch
  FixedSource mismatched(std::string{kDebugFile});
  FixedSource truncated(corrupt);
  FixedSource garbage(text);
  SymbolizeDeferred({&mismatched, &truncated, &garbage}, absl::Now(), "v1", &report);
  EXPECT_EQ(report.threads(0).frames(0).function(), "");
  const ModuleSymbolization& module = report.deferred_symbolization().modules(0);
  EXPECT_EQ(module.source(), "");
  EXPECT_EQ(module.frames_named(), 0u);
  EXPECT_EQ(module.frames_unnamed(), 2u);
  ASSERT_EQ(module.errors_size(), 3);
  EXPECT_TRUE(absl::StrContains(module.errors(0), absl::StrCat("build id mismatch (the file has ", fixture.build_id)))
      << module.errors(0);
  EXPECT_TRUE(absl::StrContains(module.errors(1), "not a usable ELF file")) << module.errors(1);
  EXPECT_TRUE(absl::StrContains(module.errors(2), "not a usable ELF file")) << module.errors(2);
}

TEST(DeferredSymbolizerTest, ADeadSourceIsAskedOncePerRun) {
  const Fixture fixture = ReadFixture();
  Report report = MakeReport(fixture);
  report.mutable_modules(1)->set_build_id("00112233445566778899aabbccddeeff00112233");
  FixedSource dead(absl::DeadlineExceededError("no answer within 15s"));
  FixedSource good(std::string{kDebugFile});
  SymbolizeDeferred({&dead, &good}, absl::Now(), "v1", &report);
  EXPECT_EQ(dead.queries.size(), 1u);
  EXPECT_EQ(good.queries.size(), 2u);
  EXPECT_EQ(report.threads(0).frames(0).function(), "main");
  const DeferredSymbolization& account = report.deferred_symbolization();
  ASSERT_EQ(account.modules_size(), 2);
  EXPECT_EQ(account.modules(0).errors(0), "fixed: no answer within 15s");
  EXPECT_EQ(account.modules(1).errors(0),
            "fixed: not asked (dropped for this run after no answer within 15s)");
}

TEST(DeferredSymbolizerTest, ModuleNotMappedFromOffsetZeroIsNotGuessed) {
  const Fixture fixture = ReadFixture();
  Report report = MakeReport(fixture);
  report.mutable_modules(0)->set_file_offset(0x1000);
  FixedSource good(std::string{kDebugFile});
  SymbolizeDeferred({&good}, absl::Now(), "v1", &report);
  EXPECT_TRUE(good.queries.empty());
  EXPECT_EQ(report.threads(0).frames(0).function(), "");
  EXPECT_TRUE(absl::StrContains(report.deferred_symbolization().modules(0).errors(0), "file offset"));
}

}  // namespace
}  // namespace ddcrash
