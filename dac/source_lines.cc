#include "dac/source_lines.h"

#include <optional>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "metadata/metadata_reader.h"
#include "pdb/portable_pdb.h"

namespace ddcrash::dac {
namespace {

// The DAC's IL offsets past this are ICorDebugInfo's NO_MAPPING (-1), PROLOG (-2) and
// EPILOG (-3): no instruction of the method's IL.
constexpr uint32_t kLastIlOffset = 0x7FFFFFFF;

// The frames recorded in an exception object, and in every exception it holds.
void AnnotateException(SourceLineAnnotator& annotator, ManagedException& exception) {
  annotator.Annotate(exception.frames);
  for (ManagedException& inner : exception.inner) AnnotateException(annotator, inner);
  for (ManagedException& inner : exception.inner_exceptions) AnnotateException(annotator, inner);
}

}  // namespace

SourceLineAnnotator::Module& SourceLineAnnotator::ModuleOf(const std::string& path) {
  auto it = by_path_.find(path);
  if (it != by_path_.end()) return it->second;
  ManagedModule m;
  m.path = path;
  if (absl::Now() >= deadline_) {
    m.pdb_problem = "not read: the DAC stage's time ran out";
    modules_.push_back(std::move(m));
    return by_path_.emplace(path, Module{modules_.size() - 1, &not_read_, {}}).first->second;
  }
  const pdb::LocatedPdb& located = locator_.Locate(path);
  if (located.mvid.has_value()) m.mvid = metadata::FormatGuid(*located.mvid);
  if (located.expected_pdb_id.has_value()) m.pdb_id = pdb::FormatPdbId(*located.expected_pdb_id);
  m.codeview_path = located.codeview_path;
  if (located.pdb != nullptr) {
    m.pdb_location = located.origin == pdb::PdbOrigin::kEmbedded ? "embedded" : located.pdb_path;
  } else {
    m.pdb_problem = std::string(located.status.message());
  }
  modules_.push_back(std::move(m));
  return by_path_.emplace(path, Module{modules_.size() - 1, &located, {}}).first->second;
}

void SourceLineAnnotator::Annotate(std::vector<ManagedFrame>& frames) {
  for (ManagedFrame& f : frames) {
    const FrameText& t = *f.text;
    if (t.kind != ManagedFrameKind::kManagedMethod || t.module_path.empty()) continue;
    Module& module = ModuleOf(t.module_path);
    ++modules_[module.index].frames;
    auto [text, first_seen] = annotated_.try_emplace(f.text.get());
    if (first_seen) {
      text->second.original = f.text;
      text->second.annotated = Annotated(module, f.text);
    }
    f.text = text->second.annotated;
  }
}

std::shared_ptr<const FrameText> SourceLineAnnotator::Annotated(
    Module& module, const std::shared_ptr<const FrameText>& text) {
  const FrameText& t = *text;
  if (module.located->pdb == nullptr || t.il_offset > kLastIlOffset) return text;
  auto [found, added] = module.lookups.try_emplace({t.token, t.il_offset}, std::nullopt);
  if (added) found->second = module.located->pdb->Lookup(t.token, t.il_offset);
  const absl::StatusOr<std::optional<pdb::SourceLocation>>& where = found->second;
  if (!where.ok()) {
    // A PDB whose id matched but whose data for this method is broken: say so once.
    std::string& problem = modules_[module.index].pdb_problem;
    if (problem.empty()) {
      problem = absl::StrCat("method 0x", absl::Hex(t.token), " in ",
                             modules_[module.index].pdb_location, ": ", where.status().message());
    }
    return text;
  }
  if (!where->has_value()) return text;
  FrameText with_line = t;
  with_line.source_file = (*where)->file;
  with_line.source_line = (*where)->line;
  with_line.source_column = (*where)->column;
  return std::make_shared<const FrameText>(std::move(with_line));
}

void SourceLineAnnotator::AddModule(const std::string& path) { ModuleOf(path); }

void AddSourceLines(ManagedState* state, const std::vector<std::string>& assemblies,
                    absl::Time deadline, pdb::AssemblyFiles files) {
  SourceLineAnnotator annotator(deadline, std::move(files));
  for (ManagedThread& t : state->threads) {
    annotator.Annotate(t.frames);
    if (t.has_exception) AnnotateException(annotator, t.exception);
  }
  annotator.Annotate(state->named_code);
  size_t unread = 0;
  for (const std::string& path : assemblies) {
    if (absl::Now() >= deadline) {
      ++unread;
      continue;
    }
    annotator.AddModule(path);
  }
  state->modules = annotator.modules();
  if (unread > 0) {
    state->errors.push_back(absl::StrCat("source lines: ", unread,
                                         " assemblies not read: the DAC stage's time ran out"));
  }
}

}  // namespace ddcrash::dac
