#include "symbolize/deferred_symbolizer.h"

#include <elf.h>

#include <memory>
#include <optional>

#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "elf/elf_file.h"
#include "report/basename.h"
#include "report/frame_ip.h"
#include "unwind/demangle.h"
#include "unwind/symbol_table.h"

namespace ddcrash {
namespace {

constexpr uint64_t kPageSize = 4096;

bool NeedsName(const Report& report, const Frame& frame) {
  if (!frame.function().empty() || frame.module_index() < 0 ||
      frame.module_index() >= report.modules_size()) {
    return false;
  }
  if (frame.kind() == FRAME_KIND_MANAGED || frame.kind() == FRAME_KIND_RUNTIME_STUB) return false;
  const Module& module = report.modules(frame.module_index());
  return module.format() == MODULE_FORMAT_ELF && !module.build_id().empty();
}

// The symbols of a debug file and the ELF address its first page is loaded at.
struct DebugSymbols {
  SymbolTable table;
  uint64_t first_page_vaddr = 0;
};

absl::StatusOr<DebugSymbols> ReadDebugFile(const FoundDebugFile& found, const Module& module) {
  absl::StatusOr<std::unique_ptr<ElfFile>> elf = ElfFile::Open(found.path);
  if (!elf.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(found.origin, ": not a usable ELF file: ", elf.status().message()));
  }
  const std::string build_id = absl::BytesToHexString((*elf)->BuildId());
  if (build_id != module.build_id()) {
    return absl::FailedPreconditionError(absl::StrCat(
        found.origin, ": build id mismatch (the file has ", build_id.empty() ? "none" : build_id,
        ")"));
  }
  // The module's lowest mapping is its first PT_LOAD's page: Module.base. A debug file keeps the
  // program headers' addresses (their file offsets are not kept, so load_bias.h does not apply).
  std::optional<uint64_t> first_vaddr;
  for (const ElfProgramHeader& header : (*elf)->program_headers()) {
    if (header.type == PT_LOAD && (!first_vaddr || header.vaddr < *first_vaddr)) {
      first_vaddr = header.vaddr;
    }
  }
  if (!first_vaddr) return absl::InvalidArgumentError(absl::StrCat(found.origin, ": no PT_LOAD"));
  absl::StatusOr<std::vector<ElfSymbol>> symbols = (*elf)->ReadSymbols(SymbolTableKind::kSymtab);
  if (!symbols.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(found.origin, ": unreadable symbol table: ", symbols.status().message()));
  }
  DebugSymbols debug;
  debug.table = SymbolTable(*std::move(symbols));
  if (debug.table.empty()) {
    return absl::NotFoundError(absl::StrCat(found.origin, ": no function symbols"));
  }
  debug.first_page_vaddr = *first_vaddr - *first_vaddr % kPageSize;
  return debug;
}

}  // namespace

void SymbolizeDeferred(const std::vector<DebugFileSource*>& sources, absl::Time now,
                       const std::string& symbolizer_version, Report* report) {
  // Modules with frames to name, in module order: module index -> its record.
  absl::btree_map<int, ModuleSymbolization> modules;
  for (const Thread& thread : report->threads()) {
    for (const Frame& frame : thread.frames()) {
      if (NeedsName(*report, frame)) modules[frame.module_index()].set_module_index(frame.module_index());
    }
  }
  absl::btree_map<int, DebugSymbols> found_symbols;
  // A source that timed out or could not be reached is not asked again this run: a dead
  // server would otherwise cost its timeout once per module. Source -> why it was dropped.
  absl::flat_hash_map<DebugFileSource*, std::string> dropped;
  for (auto& [index, record] : modules) {
    const Module& module = report->modules(index);
    if (module.file_offset() != 0) {
      record.add_errors(absl::StrCat("the module's lowest mapping is at file offset ",
                                     module.file_offset(), ", not 0: its ELF addresses are unknown"));
      continue;
    }
    const DebugFileQuery query{module.build_id(), std::string(Basename(module.path()))};
    for (DebugFileSource* source : sources) {
      if (auto it = dropped.find(source); it != dropped.end()) {
        record.add_errors(absl::StrCat(source->Describe(), ": not asked (dropped for this run after ",
                                       it->second, ")"));
        continue;
      }
      absl::StatusOr<FoundDebugFile> found = source->Find(query);
      if (!found.ok()) {
        record.add_errors(absl::StrCat(source->Describe(), ": ", found.status().message()));
        if (absl::IsDeadlineExceeded(found.status()) || absl::IsUnavailable(found.status())) {
          dropped.emplace(source, found.status().message());
        }
        continue;
      }
      absl::StatusOr<DebugSymbols> symbols = ReadDebugFile(*found, module);
      if (!symbols.ok()) {
        record.add_errors(std::string(symbols.status().message()));
        continue;
      }
      record.set_source(found->origin);
      found_symbols.emplace(index, *std::move(symbols));
      break;
    }
  }
  for (Thread& thread : *report->mutable_threads()) {
    for (int i = 0; i < thread.frames_size(); ++i) {
      Frame& frame = *thread.mutable_frames(i);
      if (!NeedsName(*report, frame)) continue;
      ModuleSymbolization& record = modules[frame.module_index()];
      auto symbols = found_symbols.find(frame.module_index());
      std::optional<SymbolHit> hit;
      const uint64_t lookup_offset = frame.module_offset() - (FrameIpIsExact(thread, i) ? 0 : 1);
      if (symbols != found_symbols.end() && frame.module_offset() > 0) {
        hit = symbols->second.table.Lookup(symbols->second.first_page_vaddr + lookup_offset);
      }
      if (!hit) {
        record.set_frames_unnamed(record.frames_unnamed() + 1);
        continue;
      }
      const std::string mangled(hit->name);
      frame.set_function(Demangle(mangled));
      if (frame.function() != mangled) frame.set_mangled_function(mangled);
      frame.set_function_offset(symbols->second.first_page_vaddr + frame.module_offset() -
                                hit->start);
      frame.set_function_source(record.source());
      record.set_frames_named(record.frames_named() + 1);
    }
  }
  DeferredSymbolization* account = report->mutable_deferred_symbolization();
  account->set_time_unix_nanos(absl::ToUnixNanos(now));
  account->set_symbolizer_version(symbolizer_version);
  account->clear_modules();
  for (auto& [index, record] : modules) *account->add_modules() = std::move(record);
}

}  // namespace ddcrash
