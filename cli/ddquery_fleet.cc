#include "cli/ddquery_fleet.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "cli/exit_codes.h"
#include "triage/group_reports.h"
#include "triage/group_render.h"

namespace ddcrash {

const char kFleetUsage[] =
    R"(
After the crash, over reports copied anywhere:
  ddquery --group DIR|FILE... [--since DURATION] [--json]
  --group          crash groups by fingerprint, most frequent first: count, first and last
                   seen, executables, hosts, the newest report's crash line and path. A DIR
                   contributes the *.pb files directly in it; unreadable files are listed.
  --since DURATION only reports captured in the last DURATION (90s, 30m, 12h, 7d)
  --json           the groups as one JSON object
                   Exit codes: 0 ok, 2 usage error, 4 no readable report (in the --since window).
)";

namespace {

// absl durations ("1h30m", "90s"), plus whole days ("7d").
std::optional<absl::Duration> ParseSince(const std::string& text) {
  int64_t days = 0;
  if (text.size() > 1 && text.back() == 'd' &&
      absl::SimpleAtoi(absl::string_view(text).substr(0, text.size() - 1), &days) && days >= 0) {
    return absl::Hours(24) * days;
  }
  absl::Duration duration;
  if (!absl::ParseDuration(text, &duration) || duration < absl::ZeroDuration()) {
    return std::nullopt;
  }
  return duration;
}

int Usage(std::ostream& err, const std::string& problem) {
  err << "ddquery: " << problem << "\n" << kFleetUsage;
  return kDdqueryUsage;
}

int RunGroup(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::vector<std::string> inputs;
  absl::Time since = absl::InfinitePast();
  bool json = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--group") continue;
    if (arg == "--json") {
      json = true;
    } else if (arg == "--since") {
      if (i + 1 >= args.size()) return Usage(err, "--since needs a value");
      std::optional<absl::Duration> duration = ParseSince(args[++i]);
      if (!duration) return Usage(err, absl::StrCat("not a duration: ", args[i]));
      since = absl::Now() - *duration;
    } else if (arg.size() > 1 && arg[0] == '-') {
      return Usage(err, absl::StrCat(arg, " does not go with --group"));
    } else {
      inputs.push_back(arg);
    }
  }
  if (inputs.empty()) return Usage(err, "--group needs a directory or report files");
  CrashGroups groups(since);
  GroupReports(inputs, &groups);
  out << (json ? RenderGroupsJson(groups) : RenderGroupsText(groups));
  return groups.reports() > 0 ? kDdqueryOk : kDdqueryNoMatch;
}

bool Has(const std::vector<std::string>& args, absl::string_view flag) {
  for (const std::string& arg : args) {
    if (arg == flag) return true;
  }
  return false;
}

}  // namespace

std::optional<int> RunFleetMode(const std::vector<std::string>& args, std::ostream& out,
                                std::ostream& err) {
  if (Has(args, "--help") || Has(args, "-h") || Has(args, "--version")) return std::nullopt;
  if (Has(args, "--group")) return RunGroup(args, out, err);
  return std::nullopt;
}

}  // namespace ddcrash
