#include "dac/dac_locator.h"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "dac/trusted_file.h"
#include "elf/elf_file.h"

namespace ddcrash::dac {

std::string DefaultDacPath(const RuntimeInfo& runtime) {
  const std::string& p = runtime.module_path;
  size_t slash = p.find_last_of('/');
  std::string dir = slash == std::string::npos ? "." : p.substr(0, slash);
  return absl::StrCat(dir.empty() ? "/" : dir, dir.empty() ? "" : "/", kDacFileName);
}

absl::StatusOr<DacLocation> CheckDac(const RuntimeInfo& runtime, const std::string& dac_path) {
  return CheckDac(runtime, dac_path, TargetFiles::Local());
}

absl::StatusOr<DacLocation> CheckDac(const RuntimeInfo& runtime, const std::string& dac_path,
                                     const TargetFiles& files) {
  // Whose code it may be: this process runs it (the DAC process, already confined to the
  // target owner's credentials), so only root or this user may have been able to write it.
  absl::StatusOr<std::string> trusted_path = CheckTrustedFile(dac_path, geteuid(), files);
  if (const absl::Status& trusted = trusted_path.status(); !trusted.ok()) {
    if (absl::IsNotFound(trusted)) {
      return absl::NotFoundError(absl::StrCat("no DAC at ", dac_path, " (", trusted.message(), ")"));
    }
    return absl::PermissionDeniedError(absl::StrCat("DAC ", dac_path, " refused: ",
                                                    trusted.message(), " (it would run as uid ",
                                                    geteuid(), ")"));
  }
  absl::StatusOr<std::unique_ptr<ElfFile>> dac = ElfFile::Open(*trusted_path);
  if (!dac.ok()) {
    if (absl::IsNotFound(dac.status())) {
      return absl::NotFoundError(absl::StrCat("no DAC at ", dac_path, " (",
                                              dac.status().message(), ")"));
    }
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read the DAC ", dac_path, ": ", dac.status().message()));
  }
  DacLocation loc;
  loc.path = dac_path;
  loc.opened_path = *trusted_path;
  loc.build_id = (*dac)->BuildId();
  absl::StatusOr<std::string> stamp = FindVersionStamp(**dac);
  if (stamp.ok()) loc.stamp = *stamp;

  const std::string runtime_desc =
      absl::StrCat(runtime.module_path, " (.NET ", runtime.version.ToString(), ")");
  if (runtime.has_runtime_info && !runtime.runtime_info.dac_build_id.empty()) {
    const std::string& want = runtime.runtime_info.dac_build_id;
    if (loc.build_id.empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "DAC ", dac_path, " has no GNU build id; the runtime ", runtime_desc,
          " requires DAC build id ", absl::BytesToHexString(want)));
    }
    if (loc.build_id != want) {
      return absl::FailedPreconditionError(absl::StrCat(
          "DAC ", dac_path, " does not match the runtime ", runtime_desc, ": its build id is ",
          absl::BytesToHexString(loc.build_id), ", the runtime's DotNetRuntimeInfo requires ",
          absl::BytesToHexString(want)));
    }
    loc.match = absl::StrCat("build id ", absl::BytesToHexString(want), " = DacModuleIndex");
    return loc;
  }
  if (runtime.stamp.text.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot verify the DAC ", dac_path, ": the runtime ", runtime_desc,
        " has neither DotNetRuntimeInfo nor a version stamp"));
  }
  if (!stamp.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "DAC ", dac_path, " has no version stamp (", stamp.status().message(),
        "); the runtime ", runtime_desc, " is '", runtime.stamp.text, "'"));
  }
  if (*stamp != runtime.stamp.text) {
    return absl::FailedPreconditionError(absl::StrCat(
        "DAC ", dac_path, " does not match the runtime ", runtime_desc, ": the DAC is '", *stamp,
        "', the runtime is '", runtime.stamp.text, "'"));
  }
  loc.match = absl::StrCat("version stamp '", runtime.stamp.text, "'");
  return loc;
}

std::vector<std::string> DacDirCandidates(const RuntimeInfo& runtime, const std::string& dac_dir) {
  std::vector<std::string> out;
  const std::string version_dir = absl::StrCat(dac_dir, "/", runtime.version.ToString());
  if (runtime.has_runtime_info && !runtime.runtime_info.dac_build_id.empty()) {
    out.push_back(absl::StrCat(version_dir, "/",
                               absl::BytesToHexString(runtime.runtime_info.dac_build_id), "/",
                               kDacFileName));
    return out;
  }
  if (DIR* d = opendir(version_dir.c_str())) {
    while (struct dirent* entry = readdir(d)) {
      const std::string name = entry->d_name;
      if (name == "." || name == "..") continue;
      out.push_back(absl::StrCat(version_dir, "/", name, "/", kDacFileName));
    }
    closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

absl::StatusOr<DacLocation> LocateDac(const RuntimeInfo& runtime, const std::string& dac_path,
                                      const std::string& dac_dir) {
  if (!dac_path.empty()) return CheckDac(runtime, dac_path, TargetFiles::Local());
  absl::StatusOr<DacLocation> beside = CheckDac(runtime, DefaultDacPath(runtime), runtime.files);
  if (!absl::IsNotFound(beside.status()) || dac_dir.empty()) return beside;
  std::string tried;
  for (const std::string& candidate : DacDirCandidates(runtime, dac_dir)) {
    absl::StatusOr<DacLocation> filed = CheckDac(runtime, candidate, TargetFiles::Local());
    if (filed.ok() || absl::IsPermissionDenied(filed.status())) return filed;
    absl::StrAppend(&tried, "; ", filed.status().message());
  }
  return absl::NotFoundError(absl::StrCat(beside.status().message(), "; and none for .NET ",
                                          runtime.version.ToString(), " in DDCRASH_DAC_DIR ",
                                          dac_dir, tried.empty() ? " (no entry)" : tried));
}


}  // namespace ddcrash::dac
