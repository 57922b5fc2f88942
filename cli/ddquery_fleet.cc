#include "cli/ddquery_fleet.h"

#include <stdlib.h>
#include <sys/stat.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "cli/exit_codes.h"
#include "cli/version.h"
#include "otlp/otlp_log.h"
#include "report/report_reader.h"
#include "report/report_writer.h"
#include "report/text_renderer.h"
#include "symbolize/deferred_symbolizer.h"
#include "symbolize/symbol_cache.h"
#include "symbolize/symbol_sources.h"
#include "triage/group_render.h"
#include "triage/group_reports.h"

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

  ddquery --symbolize REPORT [-o OUT] [--debug-dir DIR]... [--ssqp URL|DIR]... [--cache DIR]
          [--timeout SECONDS]
  --symbolize      names the native frames that had no name at crash time from debug files
                   found by build id, into a new report (default: REPORT's name with
                   .symbolized.pb for its .pb, crash.pb -> crash.symbolized.pb; the original is
                   never changed). REPORT goes right after --symbolize. Each name records
                   where it came from. Sources, in order: --debug-dir DIRs,
                   $DDCRASH_DEBUG_PATH (':'-separated), and
                   /usr/lib/debug (each in the .build-id/xx/rest.debug layout); SSQP
                   directories; debuginfod servers ($DEBUGINFOD_URLS); SSQP servers (--ssqp or
                   $DDCRASH_SSQP, space-separated; http:// only). Downloads are cached in
                   --cache (default $DDCRASH_SYMBOL_CACHE, else $XDG_CACHE_HOME/ddcrash/symbols,
                   else ~/.cache/ddcrash/symbols; with none set, downloads are not kept), a
                   directory only this user may write; every network wait is bounded by
                   --timeout (default 15), and a server that times out is not asked again.
                   Exit codes: 0 written, 2 usage error, 3 unreadable or corrupt report,
                   4 written but no frame could be named, 5 the output could not be written.

  ddquery --otlp REPORT...
  --otlp           each report as an OpenTelemetry log record in OTLP/JSON, one LogsData
                   object per line (the Collector's otlpjsonfile format).
                   Exit codes: 0 ok, 2 usage error, 3 a report was unreadable (the others
                   are still printed).
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

std::string OutputPathFor(const std::string& report) {
  const absl::string_view stem =
      absl::EndsWith(report, ".pb") ? absl::string_view(report).substr(0, report.size() - 3) : report;
  return absl::StrCat(stem, ".symbolized.pb");
}

bool SameFile(const std::string& a, const std::string& b) {
  struct stat sa, sb;
  return a == b || (stat(a.c_str(), &sa) == 0 && stat(b.c_str(), &sb) == 0 &&
                    sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino);
}

std::vector<std::string> SplitEnv(const char* name, const char* separators) {
  const char* value = getenv(name);
  if (value == nullptr) return {};
  return absl::StrSplit(value, absl::ByAnyChar(separators), absl::SkipEmpty());
}

int RunSymbolize(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string report_path;
  std::string output_path;
  std::vector<std::string> debug_directories;
  std::vector<std::string> ssqp;
  SymbolSourceOptions options;
  options.cache_directory = DefaultSymbolCacheDirectory();
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const bool takes_value = arg == "--symbolize" || arg == "-o" || arg == "--debug-dir" ||
                             arg == "--ssqp" || arg == "--cache" || arg == "--timeout";
    if (!takes_value) {
      if (arg.size() > 1 && arg[0] == '-') return Usage(err, arg + " does not go with --symbolize");
      return Usage(err, report_path.empty()
                            ? absl::StrCat(arg, ": the report goes right after --symbolize (ddquery --symbolize ", arg, ")")
                            : absl::StrCat(arg, ": one report per --symbolize run"));
    }
    if (i + 1 >= args.size()) return Usage(err, absl::StrCat(arg, " needs a value"));
    const std::string& value = args[++i];
    if (arg == "--symbolize") report_path = value;
    if (arg == "-o") output_path = value;
    if (arg == "--debug-dir") debug_directories.push_back(value);
    if (arg == "--ssqp") ssqp.push_back(value);
    if (arg == "--cache") options.cache_directory = value;
    if (arg == "--timeout") {
      double seconds = 0;
      if (!absl::SimpleAtod(value, &seconds) || !(seconds > 0) || seconds > 3600) {
        return Usage(err, absl::StrCat("not a timeout in seconds: ", value));
      }
      options.timeout = absl::Seconds(seconds);
    }
  }
  if (output_path.empty()) output_path = OutputPathFor(report_path);
  if (SameFile(report_path, output_path)) {
    return Usage(err, "-o names the report itself: the original is never changed in place");
  }
  absl::StatusOr<Report> report = ReadReportFile(report_path);
  if (!report.ok()) {
    err << "ddquery: " << report.status().message() << "\n";
    return kDdqueryBadReport;
  }
  for (std::string& dir : SplitEnv("DDCRASH_DEBUG_PATH", ":")) debug_directories.push_back(std::move(dir));
  debug_directories.push_back("/usr/lib/debug");
  options.debug_directories = std::move(debug_directories);
  for (std::string& where : SplitEnv("DDCRASH_SSQP", " \t")) ssqp.push_back(std::move(where));
  options.ssqp = std::move(ssqp);
  if (const char* urls = getenv("DEBUGINFOD_URLS")) options.debuginfod_urls = urls;

  SymbolSources sources(options);
  for (const std::string& problem : sources.problems()) err << "ddquery: " << problem << "\n";
  SymbolizeDeferred(sources.sources(), absl::Now(), kDdcrashVersion, &*report);

  uint32_t named = 0, unnamed = 0;
  for (const ModuleSymbolization& module : report->deferred_symbolization().modules()) {
    named += module.frames_named();
    unnamed += module.frames_unnamed();
    const std::string name = Printable(report->modules(module.module_index()).path());
    if (module.frames_named() > 0) {
      out << name << ": " << module.frames_named() << " frames named from "
          << Printable(module.source()) << "\n";
    }
    if (module.frames_unnamed() > 0) {
      out << name << ": " << module.frames_unnamed() << " frames left unnamed"
          << (module.source().empty() ? "" : " (no symbol covers them)") << "\n";
      for (const std::string& error : module.errors()) out << "  " << Printable(error) << "\n";
    }
  }
  if (absl::Status status = WriteReportAtomically(*report, output_path); !status.ok()) {
    err << "ddquery: " << status.message() << "\n";
    return kDdqueryWriteFailed;
  }
  out << "wrote " << Printable(output_path) << ": " << named << " of " << named + unnamed
      << " unnamed native frames named\n";
  return named == 0 && unnamed > 0 ? kDdqueryNoMatch : kDdqueryOk;
}

int RunOtlp(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::vector<std::string> reports;
  for (const std::string& arg : args) {
    if (arg == "--otlp") continue;
    if (arg.size() > 1 && arg[0] == '-') return Usage(err, absl::StrCat(arg, " does not go with --otlp"));
    reports.push_back(arg);
  }
  if (reports.empty()) return Usage(err, "--otlp needs report files");
  int exit_code = kDdqueryOk;
  for (const std::string& path : reports) {
    absl::StatusOr<Report> report = ReadReportFile(path);
    if (!report.ok()) {
      err << "ddquery: " << report.status().message() << "\n";
      exit_code = kDdqueryBadReport;
      continue;
    }
    out << ReportToOtlpJsonLine(*report, {path, kDdcrashVersion, absl::Now()});
  }
  return exit_code;
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
  if (Has(args, "--symbolize")) return RunSymbolize(args, out, err);
  if (Has(args, "--otlp")) return RunOtlp(args, out, err);
  return std::nullopt;
}

}  // namespace ddcrash
