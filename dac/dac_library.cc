#include "dac/dac_library.h"

#include <dlfcn.h>
#include <stdlib.h>

#include <map>
#include <memory>
#include <mutex>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace ddcrash::dac {

absl::StatusOr<const DacLibrary*> LoadDacLibrary(const std::string& path) {
  static std::mutex mu;
  static auto* loaded = new std::map<std::string, std::unique_ptr<DacLibrary>>();
  std::lock_guard<std::mutex> lock(mu);
  auto it = loaded->find(path);
  if (it != loaded->end()) return it->second.get();

  // The legacy DAC hands over to the cDAC when this is set, and fails if it cannot load it.
  unsetenv("DOTNET_ENABLE_CDAC");
  unsetenv("COMPlus_ENABLE_CDAC");

  absl::Time start = absl::Now();
  auto lib = std::make_unique<DacLibrary>();
  lib->path = path;
  lib->handle = dlopen(path.c_str(), RTLD_LAZY | RTLD_LOCAL);
  if (lib->handle == nullptr) {
    const char* err = dlerror();
    return absl::FailedPreconditionError(
        absl::StrCat("cannot load the DAC ", path, ": ", err != nullptr ? err : "dlopen failed"));
  }
  lib->create_instance =
      reinterpret_cast<CLRDataCreateInstanceFn>(dlsym(lib->handle, "CLRDataCreateInstance"));
  if (lib->create_instance == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("the DAC ", path, " does not export CLRDataCreateInstance"));
  }
  auto dll_main = reinterpret_cast<DllMainFn>(dlsym(lib->handle, "DllMain"));
  auto register_module =
      reinterpret_cast<PalRegisterModuleFn>(dlsym(lib->handle, "PAL_RegisterModule"));
  if (dll_main != nullptr) {
    void* instance = register_module != nullptr ? register_module(path.c_str()) : lib->handle;
    if (dll_main(instance, DLL_PROCESS_ATTACH, nullptr) == 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("the DAC ", path, " failed to initialize (DllMain returned FALSE)"));
    }
    lib->initialized_pal = true;
  }
  lib->load_time = absl::Now() - start;
  const DacLibrary* out = lib.get();
  loaded->emplace(path, std::move(lib));  // never dlclose'd
  return out;
}

}  // namespace ddcrash::dac
