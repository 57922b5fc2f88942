#include "dac/live_managed_state_source.h"

#include "dac/isolated_dac.h"
#include "dac/runtime_info.h"
#include "ptrace/target_files.h"

namespace ddcrash::dac {

absl::StatusOr<FoundRuntime> LiveManagedStateSource::FindRuntime(ProcessSnapshot& process) {
  const TargetFiles files = TargetFiles::Of(process.pid());
  absl::StatusOr<RuntimeInfo> info =
      dac::FindRuntime(process.modules().modules(), process.memory(), files);
  if (absl::IsNotFound(info.status())) {
    absl::StatusOr<std::string> aot = FindNativeAotImage(process.modules().modules(), files);
    if (!aot.ok()) return info.status();
    FoundRuntime found;
    found.native_aot = true;
    found.path = *aot;
    return found;
  }
  if (!info.ok()) return info.status();
  FoundRuntime found;
  found.single_file = info->kind == RuntimeInfo::Kind::kSingleFile;
  found.path = info->module_path;
  found.version = info->version.ToString();
  return found;
}

void LiveManagedStateSource::StartEarly(ProcessSnapshot& process, const std::string& dac_path,
                                        int max_frames) {
  if (!FindRuntime(process).ok()) return;  // Collect will not be asked, or says why itself
  IsolatedDacOptions options;
  options.session.dac_path = dac_path;
  options.session.max_frames = max_frames;
  absl::StatusOr<std::unique_ptr<IsolatedDac>> started = IsolatedDac::Start(process, options);
  if (!started.ok()) return;  // Collect tries again and reports the failure
  early_ = *std::move(started);
  early_dac_path_ = dac_path;
  early_max_frames_ = max_frames;
}

absl::StatusOr<ManagedState> LiveManagedStateSource::Collect(
    ProcessSnapshot& process, const ManagedStateRequest& request) {
  if (early_ != nullptr) {
    std::unique_ptr<IsolatedDac> early = std::move(early_);
    if (early_dac_path_ == request.dac_path && early_max_frames_ == request.max_frames) {
      return early->Finish(request.code_addresses_to_name, request.timeout);
    }
  }
  IsolatedDacOptions options;
  options.timeout = request.timeout;
  options.session.dac_path = request.dac_path;
  options.session.dac_dir = request.dac_dir;
  options.session.max_frames = request.max_frames;
  options.session.code_addresses_to_name = request.code_addresses_to_name;
  return CollectManagedStateIsolated(process, options);
}

}  // namespace ddcrash::dac
