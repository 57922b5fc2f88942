#include "dac/dac_locator.h"

#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "dac/internal/elf_file.h"

namespace ddcrash::dac {

std::string DefaultDacPath(const RuntimeInfo& runtime) {
  const std::string& p = runtime.module_path;
  size_t slash = p.find_last_of('/');
  std::string dir = slash == std::string::npos ? "." : p.substr(0, slash);
  return absl::StrCat(dir.empty() ? "/" : dir, dir.empty() ? "" : "/", kDacFileName);
}

absl::StatusOr<DacLocation> CheckDac(const RuntimeInfo& runtime, const std::string& dac_path) {
  absl::StatusOr<ElfFile> dac = ElfFile::Open(dac_path);
  if (!dac.ok()) {
    if (absl::IsNotFound(dac.status())) {
      return absl::NotFoundError(absl::StrCat("no DAC at ", dac_path));
    }
    return absl::FailedPreconditionError(
        absl::StrCat("cannot read the DAC ", dac_path, ": ", dac.status().message()));
  }
  DacLocation loc;
  loc.path = dac_path;
  absl::StatusOr<std::string> id = dac->BuildId();
  if (id.ok()) loc.build_id = *id;
  absl::StatusOr<std::string> stamp = dac->FindString(kVersionStampPrefix, 512);
  if (stamp.ok()) loc.stamp = *stamp;

  const std::string runtime_desc =
      absl::StrCat(runtime.module_path, " (.NET ", runtime.version.ToString(), ")");
  if (runtime.has_runtime_info && !runtime.runtime_info.dac_build_id.empty()) {
    const std::string& want = runtime.runtime_info.dac_build_id;
    if (!id.ok()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "DAC ", dac_path, " has no readable build id (", id.status().message(),
          "); the runtime ", runtime_desc, " requires DAC build id ", HexString(want)));
    }
    if (*id != want) {
      return absl::FailedPreconditionError(absl::StrCat(
          "DAC ", dac_path, " does not match the runtime ", runtime_desc, ": its build id is ",
          HexString(*id), ", the runtime's DotNetRuntimeInfo requires ", HexString(want)));
    }
    loc.match = absl::StrCat("build id ", HexString(want), " = DacModuleIndex");
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

absl::StatusOr<DacLocation> LocateDac(const RuntimeInfo& runtime) {
  const char* env = std::getenv(kDacPathEnv);
  std::string path = env != nullptr && env[0] != '\0' ? std::string(env) : DefaultDacPath(runtime);
  return CheckDac(runtime, path);
}

}  // namespace ddcrash::dac
