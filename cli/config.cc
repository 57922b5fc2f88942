#include "cli/config.h"

#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "report/storage/report_path.h"

namespace ddcrash {
namespace {

// Reads a positive integer variable within [min, max]; keeps `value` and warns otherwise.
template <typename T>
void ReadNumber(const std::function<std::optional<std::string>(const char*)>& getenv_fn,
                const char* name, int64_t min, int64_t max, T* value,
                std::vector<std::string>* warnings) {
  std::optional<std::string> text = getenv_fn(name);
  if (!text || text->empty()) return;
  int64_t number = 0;
  if (!absl::SimpleAtoi(*text, &number) || number < min || number > max) {
    warnings->push_back(absl::StrCat(name, "=", *text, " is not a number in [", min, ", ", max,
                                     "]; using the default"));
    return;
  }
  *value = static_cast<T>(number);
}

}  // namespace

Config LoadConfig(const std::function<std::optional<std::string>(const char*)>& getenv_fn_in) {
  auto getenv_fn = getenv_fn_in ? getenv_fn_in : [](const char* name) -> std::optional<std::string> {
    const char* value = std::getenv(name);
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
  Config config;
  config.report_dir = DefaultReportDirectory();
  int64_t timeout_ms = absl::ToInt64Milliseconds(config.timeout);
  ReadNumber(getenv_fn, "DDCRASH_TIMEOUT_MS", 100, 600000, &timeout_ms, &config.warnings);
  config.timeout = absl::Milliseconds(timeout_ms);
  int64_t stop_ms = absl::ToInt64Milliseconds(config.thread_stop_timeout);
  ReadNumber(getenv_fn, "DDCRASH_THREAD_STOP_TIMEOUT_MS", 1, 60000, &stop_ms, &config.warnings);
  config.thread_stop_timeout = absl::Milliseconds(stop_ms);
  int64_t dac_ms = absl::ToInt64Milliseconds(config.dac_timeout);
  ReadNumber(getenv_fn, "DDCRASH_DAC_TIMEOUT_MS", 1, 600000, &dac_ms, &config.warnings);
  config.dac_timeout = absl::Milliseconds(dac_ms);
  if (std::optional<std::string> dac = getenv_fn("DDCRASH_DAC_PATH"); dac && !dac->empty()) {
    config.dac_path = *dac;
  }
  if (std::optional<std::string> dir = getenv_fn("DDCRASH_DAC_DIR"); dir && !dir->empty()) {
    config.dac_dir = *dir;
  }
  ReadNumber(getenv_fn, "DDCRASH_MAX_FRAMES", 1, 100000, &config.max_frames, &config.warnings);
  ReadNumber(getenv_fn, "DDCRASH_MAX_REPORTS", 0, 1000000, &config.max_reports, &config.warnings);
  if (std::optional<std::string> dir = getenv_fn("DDCRASH_REPORT_DIR"); dir && !dir->empty()) {
    config.report_dir = *dir;
  }
  if (std::optional<std::string> scrub = getenv_fn("DDCRASH_SCRUB"); scrub) {
    config.scrub_pattern = *scrub;
  }
  if (std::optional<std::string> otlp = getenv_fn("DDCRASH_OTLP_DIR"); otlp) {
    config.otlp_dir = *otlp;
  }
  return config;
}

}  // namespace ddcrash
