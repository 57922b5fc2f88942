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

namespace {

// The request's parts that decide which DAC the process loads and how it walks.
bool SameDacChoice(const ManagedStateRequest& a, const ManagedStateRequest& b) {
  return a.dac_path == b.dac_path && a.dac_dir == b.dac_dir && a.max_frames == b.max_frames;
}

IsolatedDacOptions OptionsFor(const ManagedStateRequest& request) {
  IsolatedDacOptions options;
  options.timeout = request.timeout;
  options.session.dac_path = request.dac_path;
  options.session.dac_dir = request.dac_dir;
  options.session.max_frames = request.max_frames;
  options.session.code_addresses_to_name = request.code_addresses_to_name;
  return options;
}

}  // namespace

void LiveManagedStateSource::StartEarly(ProcessSnapshot& process,
                                        const ManagedStateRequest& choice) {
  if (!FindRuntime(process).ok()) return;  // Collect will not be asked, or says why itself
  absl::StatusOr<std::unique_ptr<IsolatedDac>> started =
      IsolatedDac::Start(process, OptionsFor(choice));
  if (!started.ok()) return;  // Collect tries again and reports the failure
  early_ = *std::move(started);
  early_choice_ = choice;
}

absl::StatusOr<ManagedState> LiveManagedStateSource::Collect(
    ProcessSnapshot& process, const ManagedStateRequest& request) {
  if (early_ != nullptr) {
    std::unique_ptr<IsolatedDac> early = std::move(early_);
    if (SameDacChoice(early_choice_, request)) {
      return early->Finish(request.code_addresses_to_name, request.timeout);
    }
  }
  return CollectManagedStateIsolated(process, OptionsFor(request));
}

}  // namespace ddcrash::dac
