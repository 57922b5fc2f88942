// Test helper: finds the published .NET test app (tests/dotnet/build.sh) and runs it.
//
// Location: $DDCRASH_DOTNET_OUT/testapp/<tfm> when set; else, through the runfile of
// //tests/dotnet:build_script (a symlink into the source tree), <source>/tests/dotnet/out/
// testapp/<tfm>. Tests that use this depend on that filegroup and are tagged "dotnet".
#ifndef DDCRASH_DAC_TESTING_DOTNET_APP_H_
#define DDCRASH_DAC_TESTING_DOTNET_APP_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace ddcrash::dac::testing {

// The directory holding Ddcrash.TestApp, libcoreclr.so and libmscordaccore.so for `tfm`
// ("net8.0", "net9.0", "net10.0"); NotFound (saying to run build.sh) when absent.
absl::StatusOr<std::string> DotnetAppDir(const std::string& tfm);
// The app of tests/dotnet/build_shapes.sh: <out>/shapes/<shape>/<tfm>/Ddcrash.Shapes, for
// `shape` "singlefile" or "aot"; NotFound (saying to run build.sh) when absent.
absl::StatusOr<std::string> ShapesApp(const std::string& shape, const std::string& tfm);

// A running test app. The destructor kills (SIGKILL) and reaps it.
class DotnetApp {
 public:
  // Starts `<dir>/Ddcrash.TestApp <args...>` with stdout on a pipe and waits until it prints
  // "READY <pid>"; fails when it exits or does not get there within `timeout`.
  static absl::StatusOr<DotnetApp> StartAndWaitReady(const std::string& dir,
                                                     const std::vector<std::string>& args,
                                                     absl::Duration timeout = absl::Seconds(60));
  // The same for the executable `exe` (a shapes app).
  static absl::StatusOr<DotnetApp> StartExecutableAndWaitReady(
      const std::string& exe, const std::vector<std::string>& args,
      absl::Duration timeout = absl::Seconds(60));
  DotnetApp(DotnetApp&& o) noexcept;
  DotnetApp& operator=(DotnetApp&&) = delete;
  ~DotnetApp();

  pid_t pid() const { return pid_; }
  // Everything the app printed so far.
  const std::string& output() const { return output_; }

 private:
  DotnetApp() = default;
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string output_;
};

}  // namespace ddcrash::dac::testing

#endif  // DDCRASH_DAC_TESTING_DOTNET_APP_H_
