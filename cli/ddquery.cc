#include "cli/ddquery.h"

#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "cli/ddquery_fleet.h"
#include "cli/exit_codes.h"
#include "cli/version.h"
#include "re2/re2.h"
#include "report/fingerprint.h"
#include "report/frame_module.h"
#include "report/report_json.h"
#include "report/report_reader.h"
#include "report/text_renderer.h"

namespace ddcrash {
namespace {

constexpr char kUsage[] =
    R"(usage: ddquery REPORT [VIEW]

Reads a ddcrash report (.pb) and prints it. Views (at most one; default: summary):
  --thread N       thread number N of the report (0 = first; see --threads)
  --tid TID        the thread with OS thread id TID
  --crashing       the crashing thread
  --threads        one line per thread with its top frame
  --modules        every module: base, size, format, build id, path
  --json           the whole report as JSON (proto3 JSON mapping of report.proto)
  --grep REGEX     threads with a frame whose function or module matches REGEX (RE2)
  --fingerprint    a stable hash of the crash, to group identical crashes
Stacks show managed frames as the runtime does ("Ns.Type.Method(Args) in File.cs:line N")
and fold runs of unnamed native frames of the runtime's own libraries into one line:
  --all-frames     show every frame on its own line
  --help           this text
  --version        the ddcrash version

Exit codes: 0 ok, 2 usage error, 3 unreadable or corrupt report,
            4 nothing matched (--grep) or no such thread.
)";

enum class View { kSummary, kThreadIndex, kTid, kCrashing, kThreads, kModules, kJson, kGrep,
                  kFingerprint };

struct Options {
  std::string path;
  View view = View::kSummary;
  std::string argument;  // N, TID or REGEX
  RenderOptions render;
};

// Returns nullopt after printing the problem (or help) to the right stream; `exit_code` says
// how to exit then.
std::optional<Options> Parse(const std::vector<std::string>& args, std::ostream& out,
                             std::ostream& err, int* exit_code) {
  Options options;
  bool view_set = false;
  auto set_view = [&](View view, const std::string& flag) {
    if (view_set) {
      err << "ddquery: " << flag << " conflicts with another view option\n" << kUsage;
      *exit_code = kDdqueryUsage;
      return false;
    }
    view_set = true;
    options.view = view;
    return true;
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      out << kUsage << kFleetUsage;
      *exit_code = kDdqueryOk;
      return std::nullopt;
    }
    if (arg == "--version") {
      out << "ddquery " << kDdcrashVersion << " (" << kDdcrashSourceRevision << ")\n";
      *exit_code = kDdqueryOk;
      return std::nullopt;
    }
    const bool takes_value = arg == "--thread" || arg == "--tid" || arg == "--grep";
    if (takes_value) {
      if (i + 1 >= args.size()) {
        err << "ddquery: " << arg << " needs a value\n" << kUsage;
        *exit_code = kDdqueryUsage;
        return std::nullopt;
      }
      const View view = arg == "--thread" ? View::kThreadIndex
                        : arg == "--tid"  ? View::kTid
                                          : View::kGrep;
      if (!set_view(view, arg)) return std::nullopt;
      options.argument = args[++i];
      continue;
    }
    std::optional<View> flag_view;
    if (arg == "--all-frames") {
      options.render.all_frames = true;
      continue;
    }
    if (arg == "--crashing") flag_view = View::kCrashing;
    if (arg == "--threads") flag_view = View::kThreads;
    if (arg == "--modules") flag_view = View::kModules;
    if (arg == "--json") flag_view = View::kJson;
    if (arg == "--fingerprint") flag_view = View::kFingerprint;
    if (flag_view) {
      if (!set_view(*flag_view, arg)) return std::nullopt;
      continue;
    }
    if (arg.size() > 1 && arg[0] == '-') {
      err << "ddquery: unknown option " << arg << "\n" << kUsage;
      *exit_code = kDdqueryUsage;
      return std::nullopt;
    }
    if (!options.path.empty()) {
      err << "ddquery: more than one report given (" << options.path << ", " << arg << ")\n";
      *exit_code = kDdqueryUsage;
      return std::nullopt;
    }
    options.path = arg;
  }
  if (options.path.empty()) {
    err << "ddquery: no report given\n" << kUsage;
    *exit_code = kDdqueryUsage;
    return std::nullopt;
  }
  return options;
}

int PrintThreadBy(const Report& report, const Options& options, std::ostream& out,
                  std::ostream& err) {
  uint32_t number = 0;
  if (options.view != View::kCrashing && !absl::SimpleAtoi(options.argument, &number)) {
    err << "ddquery: not a thread number: " << options.argument << "\n";
    return kDdqueryUsage;
  }
  for (int i = 0; i < report.threads_size(); ++i) {
    const Thread& thread = report.threads(i);
    const bool match = options.view == View::kThreadIndex ? static_cast<uint32_t>(i) == number
                       : options.view == View::kTid       ? thread.tid() == number
                                                          : thread.crashed();
    if (match) {
      out << RenderThread(report, thread, options.render);
      return kDdqueryOk;
    }
  }
  err << "ddquery: no such thread in the report ("
      << (options.view == View::kCrashing ? std::string("no crashed thread")
                                          : absl::StrCat(report.threads_size(), " threads"))
      << ")\n";
  return kDdqueryNoMatch;
}

int Grep(const Report& report, const std::string& pattern, const RenderOptions& render,
         std::ostream& out, std::ostream& err) {
  RE2::Options re_options;
  re_options.set_log_errors(false);
  RE2 re(pattern, re_options);
  if (!re.ok()) {
    err << "ddquery: invalid --grep pattern: " << re.error() << "\n";
    return kDdqueryUsage;
  }
  int matched = 0;
  for (const Thread& thread : report.threads()) {
    for (const Frame& frame : thread.frames()) {
      if (RE2::PartialMatch(frame.function(), re) ||
          RE2::PartialMatch(FrameModulePath(report, frame), re)) {
        if (matched++ > 0) out << "\n";
        out << RenderThread(report, thread, render);
        break;
      }
    }
  }
  return matched > 0 ? kDdqueryOk : kDdqueryNoMatch;
}

}  // namespace

int RunDdquery(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  if (std::optional<int> fleet_exit = RunFleetMode(args, out, err)) return *fleet_exit;
  int exit_code = kDdqueryOk;
  std::optional<Options> options = Parse(args, out, err, &exit_code);
  if (!options) return exit_code;

  absl::StatusOr<Report> report = ReadReportFile(options->path);
  if (!report.ok()) {
    err << "ddquery: " << report.status().message() << "\n";
    return kDdqueryBadReport;
  }
  switch (options->view) {
    case View::kSummary:
      out << RenderSummary(*report, options->render);
      return kDdqueryOk;
    case View::kThreadIndex:
    case View::kTid:
    case View::kCrashing:
      return PrintThreadBy(*report, *options, out, err);
    case View::kThreads:
      out << RenderThreadList(*report);
      return kDdqueryOk;
    case View::kModules:
      out << RenderModules(*report);
      return kDdqueryOk;
    case View::kJson: {
      absl::StatusOr<std::string> json = ReportToJson(*report);
      if (!json.ok()) {
        err << "ddquery: " << json.status().message() << "\n";
        return kDdqueryBadReport;
      }
      out << *json;
      return kDdqueryOk;
    }
    case View::kGrep:
      return Grep(*report, options->argument, options->render, out, err);
    case View::kFingerprint:
      out << CrashFingerprint(*report) << "\n";
      return kDdqueryOk;
  }
  return kDdqueryOk;
}

}  // namespace ddcrash
