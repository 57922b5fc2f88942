// ddreport's configuration: the DDCRASH_* environment variables, with documented defaults
// (README "Configuration"). A bad value never stops a crash report: it is replaced by the
// default and reported as a warning.
#ifndef DDCRASH_CLI_CONFIG_H_
#define DDCRASH_CLI_CONFIG_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace ddcrash {

struct Config {
  // DDCRASH_TIMEOUT_MS: the whole run, from start to detach. The crashing app waits for us
  // at most this long.
  absl::Duration timeout = absl::Milliseconds(5000);
  // DDCRASH_THREAD_STOP_TIMEOUT_MS: how long one thread may take to stop.
  absl::Duration thread_stop_timeout = absl::Milliseconds(200);
  // DDCRASH_DAC_TIMEOUT_MS: the DAC stage (its own process); never beyond the whole budget.
  absl::Duration dac_timeout = absl::Milliseconds(3000);
  // DDCRASH_DAC_PATH: use this libmscordaccore.so (still checked against the runtime).
  std::string dac_path;
  // DDCRASH_DAC_DIR: a directory of DACs by runtime version and build id (dac/dac_locator.h),
  // looked in when there is none beside the runtime (single-file apps ship none).
  std::string dac_dir;
  // DDCRASH_MAX_FRAMES: frames per thread before the stack is marked truncated.
  int max_frames = 1024;
  // DDCRASH_REPORT_DIR: where reports go when no -o is given; by default the effective
  // user's own directory (DefaultReportDirectory, report/storage/report_path.h).
  std::string report_dir;
  // DDCRASH_MAX_REPORTS: reports kept in report_dir; the oldest go first. 0 keeps all.
  int max_reports = 50;
  // DDCRASH_SCRUB: an RE2 that extends the default secret-name pattern.
  std::string scrub_pattern;
  // DDCRASH_OTLP_DIR: also write each report's OTLP/JSON log record into this spool directory
  // (otlp/otlp_spool.h); empty for none.
  std::string otlp_dir;
  // Problems found while reading the environment (bad numbers, ...).
  std::vector<std::string> warnings;
};

// `getenv` is injectable for tests; by default the process environment.
Config LoadConfig(
    const std::function<std::optional<std::string>(const char*)>& getenv_fn = nullptr);

}  // namespace ddcrash

#endif  // DDCRASH_CLI_CONFIG_H_
