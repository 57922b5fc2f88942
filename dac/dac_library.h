// Loading libmscordaccore.so into this process: once per path, never unloaded (the DAC's PAL
// registers a pthread-key destructor; after dlclose any thread that touched the DAC would
// crash at exit).
//
// Order: unset DOTNET_ENABLE_CDAC (an inherited value would make the legacy DAC try to load
// the cDAC and fail) → dlopen(RTLD_LAZY | RTLD_LOCAL) → PAL_RegisterModule(path) and
// DllMain(handle, DLL_PROCESS_ATTACH, nullptr) when exported → CLRDataCreateInstance.
#ifndef DDCRASH_DAC_DAC_LIBRARY_H_
#define DDCRASH_DAC_DAC_LIBRARY_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "dac/internal/clrdata.h"

namespace ddcrash::dac {

struct DacLibrary {
  std::string path;
  void* handle = nullptr;
  CLRDataCreateInstanceFn create_instance = nullptr;
  bool initialized_pal = false;  // PAL_RegisterModule + DllMain were called
  absl::Duration load_time;      // dlopen + initialization
};

// Loads (or returns the already loaded) DAC at `path`. Thread-safe. The returned object lives
// until the process exits.
absl::StatusOr<const DacLibrary*> LoadDacLibrary(const std::string& path);

}  // namespace ddcrash::dac

#endif  // DDCRASH_DAC_DAC_LIBRARY_H_
