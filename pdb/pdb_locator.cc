#include "pdb/pdb_locator.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "binary/file.h"
#include "pe/pe_image.h"

namespace ddcrash::pdb {
namespace {

absl::Status Corrupt(const absl::Status& status, absl::string_view what) {
  return absl::DataLossError(absl::StrCat(what, ": ", status.message()));
}

// The last component of a path written on Windows or Unix.
std::string FileName(const std::string& path) {
  size_t slash = path.find_last_of("/\\");
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string Directory(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

// The PDB parsed from `bytes` if its id is `expected` (when known); `where` names it.
absl::StatusOr<PortablePdb> Check(absl::StatusOr<PortablePdb> pdb,
                                  const std::optional<PdbId>& expected, absl::string_view where) {
  if (!pdb.ok()) {
    if (absl::IsNotFound(pdb.status())) return pdb.status();
    return Corrupt(pdb.status(), where);
  }
  if (expected.has_value() && pdb->id() != *expected) {
    return absl::FailedPreconditionError(
        absl::StrCat(where, " has PDB id ", FormatPdbId(pdb->id()), ", the assembly expects ",
                     FormatPdbId(*expected), " (built from other sources)"));
  }
  return pdb;
}

}  // namespace

const char* PdbOriginName(PdbOrigin origin) {
  switch (origin) {
    case PdbOrigin::kNone: return "none";
    case PdbOrigin::kEmbedded: return "embedded";
    case PdbOrigin::kBesideAssembly: return "beside-assembly";
  }
  return "none";
}

LocatedPdb LocatePdb(const std::string& assembly_path, const AssemblyFiles& files) {
  LocatedPdb result;
  const BundledFiles& bundled = files.bundled;
  auto openable = [&](const std::string& path) -> absl::StatusOr<std::string> {
    return files.openable ? files.openable(path) : path;
  };
  const auto in_bundle = bundled.find(assembly_path);
  absl::StatusOr<pe::PeImage> image = absl::NotFoundError("");
  if (in_bundle != bundled.end()) {
    image = pe::PeImage::FromFile(in_bundle->second);
  } else if (absl::StatusOr<std::string> file = openable(assembly_path); file.ok()) {
    image = pe::PeImage::FromFile(*file);
  } else {
    image = file.status();
  }
  if (!image.ok()) {
    result.status = absl::IsNotFound(image.status())
                        ? image.status()
                        : Corrupt(image.status(), absl::StrCat("assembly ", assembly_path));
    return result;
  }
  // A few small reads, not the metadata (megabytes for the framework's largest assemblies).
  if (absl::StatusOr<pe::ImageRange> md = image->MetadataRange(); md.ok()) {
    absl::StatusOr<metadata::Guid> mvid =
        metadata::ReadModuleMvid(md->size, [&](uint32_t offset, uint32_t size) {
          return image->Read(md->offset + offset, size);
        });
    if (mvid.ok()) result.mvid = *mvid;
  }
  absl::StatusOr<std::vector<pe::DebugEntry>> entries = image->DebugDirectory();
  if (!entries.ok()) {
    result.status = Corrupt(entries.status(), absl::StrCat("assembly ", assembly_path));
    return result;
  }
  std::optional<pe::CodeView> codeview;
  const pe::DebugEntry* embedded = nullptr;
  for (const pe::DebugEntry& entry : *entries) {
    if (entry.type == pe::kCodeView && !codeview.has_value()) {
      absl::StatusOr<pe::CodeView> cv = image->ReadCodeView(entry);
      if (cv.ok() && cv->portable) codeview = *cv;
    } else if (entry.type == pe::kEmbeddedPortablePdb && embedded == nullptr) {
      embedded = &entry;
    }
  }
  if (codeview.has_value()) {
    result.expected_pdb_id = codeview->PdbId();
    result.codeview_path = codeview->path;
  }

  std::string embedded_failure;
  if (embedded != nullptr) {
    absl::StatusOr<std::string> bytes = image->InflateEmbeddedPdb(*embedded);
    absl::StatusOr<PortablePdb> pdb =
        bytes.ok() ? Check(PortablePdb::FromBytes(*std::move(bytes)), result.expected_pdb_id,
                           "embedded PDB")
                   : Corrupt(bytes.status(), "embedded PDB");
    if (pdb.ok()) {
      result.pdb = std::make_shared<const PortablePdb>(*std::move(pdb));
      result.origin = PdbOrigin::kEmbedded;
      return result;
    }
    result.status = pdb.status();
    embedded_failure = std::string(pdb.status().message());
  }
  if (!codeview.has_value() || FileName(codeview->path).empty()) {
    if (embedded == nullptr) {
      result.status = absl::NotFoundError(absl::StrCat(
          assembly_path, " names no portable PDB (no portable CodeView debug entry)"));
    }
    return result;
  }
  result.pdb_path = absl::StrCat(Directory(assembly_path), "/", FileName(codeview->path));
  absl::StatusOr<PortablePdb> pdb = absl::NotFoundError("");
  if (auto pdb_in_bundle = bundled.find(result.pdb_path); pdb_in_bundle != bundled.end()) {
    const binary::FileRange& range = pdb_in_bundle->second;
    absl::StatusOr<std::string> bytes = binary::ReadFileRange(range, PortablePdb::kMaxPdbSize);
    pdb = bytes.ok() ? Check(PortablePdb::FromBytes(*std::move(bytes)), result.expected_pdb_id,
                             absl::StrCat(result.pdb_path, " (bundled)"))
                     : Corrupt(bytes.status(), absl::StrCat(result.pdb_path, " (bundled)"));
  } else if (absl::StatusOr<std::string> file = openable(result.pdb_path); file.ok()) {
    pdb = Check(PortablePdb::FromFile(*file), result.expected_pdb_id, result.pdb_path);
  } else {
    pdb = absl::Status(file.status().code(),
                       absl::StrCat(result.pdb_path, ": ", file.status().message()));
  }
  if (pdb.ok()) {
    result.status = absl::OkStatus();
    result.pdb = std::make_shared<const PortablePdb>(*std::move(pdb));
    result.origin = PdbOrigin::kBesideAssembly;
    return result;
  }
  // A broken embedded PDB is the more telling failure; say both.
  if (!embedded_failure.empty()) {
    result.status = absl::Status(result.status.code(),
                                 absl::StrCat(embedded_failure, "; beside the assembly: ",
                                              pdb.status().message()));
  } else {
    result.status = pdb.status();
  }
  return result;
}

const LocatedPdb& PdbLocator::Locate(const std::string& assembly_path) {
  auto it = cache_.find(assembly_path);
  if (it == cache_.end()) {
    it = cache_
             .emplace(assembly_path,
                      std::make_unique<const LocatedPdb>(LocatePdb(assembly_path, files_)))
             .first;
  }
  return *it->second;
}

}  // namespace ddcrash::pdb
