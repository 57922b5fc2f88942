#include "unwind/module_file.h"

#include <dirent.h>

#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "ptrace/target_files.h"

namespace ddcrash {

std::vector<std::string> ModuleFileCandidates(const LoadedModule& module, std::optional<pid_t> pid) {
  std::vector<std::string> out;
  // The path as the target sees it (through its root when that is not ours).
  const TargetFiles files = TargetFiles::Of(pid);
  absl::StatusOr<std::string> own_path = absl::NotFoundError("no path");
  if (!module.path.empty() && module.path[0] == '/') own_path = files.Openable(module.path);
  if (!module.deleted && own_path.ok()) out.push_back(*own_path);
  if (pid.has_value()) {
    std::string dir = absl::StrCat("/proc/", *pid, "/map_files");
    std::string prefix = absl::StrCat(absl::Hex(module.base), "-");
    if (DIR* d = ::opendir(dir.c_str())) {
      while (struct dirent* entry = ::readdir(d)) {
        std::string_view name(entry->d_name);
        if (name.substr(0, prefix.size()) == prefix) {
          out.push_back(absl::StrCat(dir, "/", std::string(name)));
          break;
        }
      }
      ::closedir(d);
    }
  }
  if (module.deleted && own_path.ok()) {
    out.push_back(*own_path);  // last resort: a file of that name may have been re-created
  }
  return out;
}

absl::StatusOr<std::unique_ptr<ElfFile>> OpenModuleElf(const LoadedModule& module,
                                                       std::optional<pid_t> pid,
                                                       std::string* opened_path) {
  absl::Status last = absl::NotFoundError(absl::StrCat("no readable file for ", module.path));
  for (const std::string& candidate : ModuleFileCandidates(module, pid)) {
    absl::StatusOr<std::unique_ptr<ElfFile>> elf = ElfFile::Open(candidate);
    if (!elf.ok()) {
      last = elf.status();
      continue;
    }
    if (!module.build_id.empty() && (*elf)->BuildId() != module.build_id) {
      last = absl::FailedPreconditionError(
          absl::StrCat(candidate, ": build id differs from the mapped module's"));
      continue;
    }
    if (opened_path != nullptr) *opened_path = candidate;
    return elf;
  }
  return last;
}

}  // namespace ddcrash
