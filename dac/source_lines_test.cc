// Source lines of frames in a real assembly, against the runtime's own answer
// (System.Reflection.Metadata, through the PDB oracle), and the missing, rebuilt and corrupt
// cases: no lines, one problem per module.
#include "dac/source_lines.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pdb/testing/fixtures.h"

namespace ddcrash::dac {
namespace {

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void Write(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

std::string Fixture(const std::string& relative) {
  absl::StatusOr<std::string> path = pdb::testing::PdbFixture(relative);
  EXPECT_TRUE(path.ok()) << path.status();
  return path.ok() ? *path : std::string();
}

// A fresh directory with the portable fixture's assembly and `pdb_bytes` beside it (none when
// null); returns the assembly's path.
std::string Stage(const std::string& name, const std::string* pdb_bytes) {
  std::string dir = absl::StrCat(getenv("TEST_TMPDIR"), "/", name);
  mkdir(dir.c_str(), 0755);
  Write(dir + "/Ddcrash.PdbSample.dll", Read(Fixture("portable/Ddcrash.PdbSample.dll")));
  std::string pdb = dir + "/Ddcrash.PdbSample.pdb";
  unlink(pdb.c_str());
  if (pdb_bytes != nullptr) Write(pdb, *pdb_bytes);
  return dir + "/Ddcrash.PdbSample.dll";
}

ManagedFrame Frame(const std::string& module, uint32_t token, uint32_t il_offset) {
  FrameText t;
  t.kind = ManagedFrameKind::kManagedMethod;
  t.module_path = module;
  t.token = token;
  t.il_offset = il_offset;
  return ManagedFrame{.text = std::make_shared<const FrameText>(std::move(t))};
}

// Every IL offset of every method, annotated, equals the oracle's line and column.
void ExpectOracleLines(const std::string& assembly, const std::string& oracle_pdb) {
  absl::StatusOr<pdb::testing::OracleDump> oracle = pdb::testing::RunOracle(assembly, oracle_pdb);
  ASSERT_TRUE(oracle.ok()) << oracle.status();
  std::vector<ManagedFrame> frames;
  std::vector<const pdb::testing::OracleAnswer*> answers;
  for (const pdb::testing::OracleMethod& m : oracle->methods) {
    for (uint32_t il = 0; il < m.answers.size(); ++il) {
      frames.push_back(Frame(assembly, m.token, il));
      answers.push_back(&m.answers[il]);
    }
  }
  ASSERT_GT(frames.size(), 100u);
  SourceLineAnnotator annotator;
  annotator.Annotate(frames);
  size_t with_lines = 0;
  for (size_t i = 0; i < frames.size(); ++i) {
    const pdb::testing::OracleAnswer& a = *answers[i];
    SCOPED_TRACE(absl::StrCat("token 0x", absl::Hex(frames[i].text->token), " il ", frames[i].text->il_offset));
    if (!a.found) {
      EXPECT_EQ(frames[i].text->source_line, 0u);
      EXPECT_EQ(frames[i].text->source_file, "");
      continue;
    }
    ++with_lines;
    EXPECT_EQ(frames[i].text->source_line, a.line);
    EXPECT_EQ(frames[i].text->source_column, a.column);
    EXPECT_EQ(frames[i].text->source_file, a.document);
  }
  EXPECT_GT(with_lines, 100u);
  // One module, read once, however many frames.
  ASSERT_EQ(annotator.modules().size(), 1u);
  const ManagedModule& m = annotator.modules()[0];
  EXPECT_EQ(m.path, assembly);
  EXPECT_EQ(m.pdb_problem, "");
  EXPECT_EQ(m.mvid.size(), 36u) << m.mvid;
  EXPECT_FALSE(m.pdb_id.empty());
  EXPECT_TRUE(absl::EndsWith(m.codeview_path, "Ddcrash.PdbSample.pdb")) << m.codeview_path;
}

TEST(SourceLinesTest, PdbBesideTheAssemblyGivesTheRuntimesLines) {
  const std::string dll = Fixture("portable/Ddcrash.PdbSample.dll");
  ExpectOracleLines(dll, Fixture("portable/Ddcrash.PdbSample.pdb"));
  SourceLineAnnotator annotator;
  std::vector<ManagedFrame> frames = {Frame(dll, 0x06000001, 0)};
  annotator.Annotate(frames);
  EXPECT_EQ(annotator.modules()[0].pdb_location, Fixture("portable/Ddcrash.PdbSample.pdb"));
}

TEST(SourceLinesTest, EmbeddedPdbGivesTheRuntimesLines) {
  const std::string dll = Fixture("embedded/Ddcrash.PdbSample.dll");
  ExpectOracleLines(dll, "embedded");
  SourceLineAnnotator annotator;
  std::vector<ManagedFrame> frames = {Frame(dll, 0x06000001, 0)};
  annotator.Annotate(frames);
  EXPECT_EQ(annotator.modules()[0].pdb_location, "embedded");
}

TEST(SourceLinesTest, FramesSharingATextShareItsAnnotatedText) {
  const std::string dll = Fixture("portable/Ddcrash.PdbSample.dll");
  const ManagedFrame at_line = Frame(dll, 0x06000001, 0);
  const ManagedFrame in_prolog = Frame(dll, 0x06000001, 0xFFFFFFFE);
  // A thousand threads parked at the same address: frames of one text, on every stack.
  std::vector<ManagedFrame> frames = {at_line, in_prolog, at_line, in_prolog, at_line};
  SourceLineAnnotator annotator;
  annotator.Annotate(frames);
  ASSERT_NE(frames[0].text->source_line, 0u);
  EXPECT_EQ(frames[2].text, frames[0].text) << "annotated once, shared";
  EXPECT_EQ(frames[4].text, frames[0].text);
  EXPECT_NE(frames[0].text, at_line.text) << "shared texts are never changed in place";
  EXPECT_EQ(at_line.text->source_line, 0u);
  EXPECT_EQ(frames[1].text, in_prolog.text) << "a text that gets no line stays the same";
  EXPECT_EQ(frames[3].text, in_prolog.text);
  EXPECT_EQ(annotator.modules()[0].frames, 5u) << "frames counted, not texts";
}

TEST(SourceLinesTest, PrologEpilogAndUnmappedOffsetsGetNoLine) {
  const std::string dll = Fixture("portable/Ddcrash.PdbSample.dll");
  std::vector<ManagedFrame> frames = {Frame(dll, 0x06000001, 0xFFFFFFFF),
                                      Frame(dll, 0x06000001, 0xFFFFFFFE),
                                      Frame(dll, 0x06000001, 0xFFFFFFFD)};
  SourceLineAnnotator annotator;
  annotator.Annotate(frames);
  for (const ManagedFrame& f : frames) EXPECT_EQ(f.text->source_line, 0u) << f.text->il_offset;
  EXPECT_EQ(annotator.modules()[0].pdb_problem, "");
}

// The frames of a module without a usable PDB get no line; the module says why, once; the
// frames of another module still get theirs.
void ExpectNoLines(const std::string& assembly, const std::string& why) {
  const std::string good = Fixture("portable/Ddcrash.PdbSample.dll");
  std::vector<ManagedFrame> frames;
  for (uint32_t il = 0; il < 8; ++il) frames.push_back(Frame(assembly, 0x06000001, il));
  frames.push_back(Frame(good, 0x06000001, 0));
  SourceLineAnnotator annotator;
  annotator.Annotate(frames);
  for (size_t i = 0; i + 1 < frames.size(); ++i) {
    EXPECT_EQ(frames[i].text->source_line, 0u);
    EXPECT_EQ(frames[i].text->source_file, "");
  }
  EXPECT_NE(frames.back().text->source_line, 0u);
  ASSERT_EQ(annotator.modules().size(), 2u);
  const ManagedModule& bad = annotator.modules()[0];
  EXPECT_TRUE(absl::StrContains(bad.pdb_problem, why)) << bad.pdb_problem;
  EXPECT_EQ(bad.pdb_location, "");
  EXPECT_EQ(bad.mvid.size(), 36u);  // still identified, to be resolved elsewhere
  EXPECT_FALSE(bad.pdb_id.empty());
  EXPECT_EQ(annotator.modules()[1].pdb_problem, "");
}

TEST(SourceLinesTest, MissingPdb) {
  ExpectNoLines(Stage("missing", nullptr), "Ddcrash.PdbSample.pdb");
}

TEST(SourceLinesTest, RebuiltPdbIsRefused) {
  const std::string rebuilt = Read(Fixture("rebuilt/Ddcrash.PdbSample.pdb"));
  ExpectNoLines(Stage("rebuilt", &rebuilt), "built from other sources");
}

TEST(SourceLinesTest, CorruptPdbIsRefused) {
  std::string pdb = Read(Fixture("portable/Ddcrash.PdbSample.pdb"));
  pdb.resize(pdb.size() / 3);
  ExpectNoLines(Stage("corrupt", &pdb), "Ddcrash.PdbSample.pdb");
}

TEST(SourceLinesTest, AddSourceLinesCoversThreadsExceptionsAndNamedCode) {
  const std::string dll = Fixture("portable/Ddcrash.PdbSample.dll");
  absl::StatusOr<pdb::testing::OracleDump> oracle =
      pdb::testing::RunOracle(dll, Fixture("portable/Ddcrash.PdbSample.pdb"));
  ASSERT_TRUE(oracle.ok()) << oracle.status();
  const pdb::testing::OracleMethod* method = nullptr;
  for (const pdb::testing::OracleMethod& m : oracle->methods) {
    if (!m.answers.empty() && m.answers[0].found) method = &m;
  }
  ASSERT_NE(method, nullptr);
  ManagedState state;
  state.threads.resize(2);
  state.threads[1].frames = {Frame(dll, method->token, 0)};
  state.named_code = {Frame(dll, method->token, 0)};
  // The frames recorded in the thread's exception, its inner exception and an aggregate's.
  state.threads[0].has_exception = true;
  state.threads[0].exception.frames = {Frame(dll, method->token, 0)};
  state.threads[0].exception.inner.resize(1);
  state.threads[0].exception.inner[0].frames = {Frame(dll, method->token, 0)};
  state.threads[0].exception.inner_exceptions.resize(1);
  state.threads[0].exception.inner_exceptions[0].frames = {Frame(dll, method->token, 0)};
  const std::string embedded = Fixture("embedded/Ddcrash.PdbSample.dll");
  AddSourceLines(&state, {dll, embedded});
  EXPECT_EQ(state.threads[1].frames[0].text->source_line, method->answers[0].line);
  EXPECT_EQ(state.named_code[0].text->source_line, method->answers[0].line);
  const ManagedException& thrown = state.threads[0].exception;
  EXPECT_EQ(thrown.frames[0].text->source_line, method->answers[0].line);
  EXPECT_EQ(thrown.inner[0].frames[0].text->source_line, method->answers[0].line);
  EXPECT_EQ(thrown.inner_exceptions[0].frames[0].text->source_line, method->answers[0].line);
  // The frames' module first, then the other assemblies, each once.
  ASSERT_EQ(state.modules.size(), 2u);
  EXPECT_EQ(state.modules[0].path, dll);
  EXPECT_EQ(state.modules[0].frames, 5u);
  EXPECT_EQ(state.modules[1].path, embedded);
  EXPECT_EQ(state.modules[1].frames, 0u);
  EXPECT_EQ(state.modules[1].pdb_location, "embedded");
  EXPECT_EQ(state.modules[1].mvid.size(), 36u);
}

// Past the deadline no module is read: the frames keep everything but their lines, each
// unread module says why, and the assemblies left unidentified are counted once.
TEST(SourceLinesTest, NoModuleIsReadPastTheDeadline) {
  const std::string dll = Fixture("portable/Ddcrash.PdbSample.dll");
  ManagedState state;
  state.threads.resize(1);
  state.threads[0].frames = {Frame(dll, 0x06000001, 0)};
  AddSourceLines(&state, {dll, Fixture("embedded/Ddcrash.PdbSample.dll")},
                 absl::Now() - absl::Seconds(1));
  EXPECT_EQ(state.threads[0].frames[0].text->source_line, 0u);
  EXPECT_EQ(state.threads[0].frames[0].text->token, 0x06000001u);
  ASSERT_EQ(state.modules.size(), 1u);
  EXPECT_EQ(state.modules[0].path, dll);
  EXPECT_EQ(state.modules[0].mvid, "");
  EXPECT_EQ(state.modules[0].pdb_problem, "not read: the DAC stage's time ran out");
  EXPECT_THAT(state.errors,
              testing::ElementsAre("source lines: 2 assemblies not read: the DAC stage's time ran out"));
}

}  // namespace
}  // namespace ddcrash::dac
