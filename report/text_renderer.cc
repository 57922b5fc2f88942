#include "report/text_renderer.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "report/basename.h"
#include "report/crashing_thread.h"
#include "report/frame_module.h"
#include "report/throw_site.h"
#include "report/utf8.h"

namespace ddcrash {
std::string Printable(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
      ++i;
    } else if (c == '\n' || c == '\t' || c == '\r') {
      absl::StrAppend(&out, c == '\n' ? "\\n" : c == '\t' ? "\\t" : "\\r");
      ++i;
    } else if (const size_t length = c >= 0x80 ? Utf8SequenceLength(text, i) : 0; length == 0) {
      absl::StrAppendFormat(&out, "\\x%02x", c);  // C0 controls, DEL, invalid UTF-8
      ++i;
    } else if (c == 0xc2 && static_cast<unsigned char>(text[i + 1]) < 0xa0) {
      // C1 controls (U+0080..U+009F: CSI is U+009B).
      absl::StrAppendFormat(&out, "\\u%04x", static_cast<unsigned char>(text[i + 1]));
      i += 2;
    } else {
      out.append(text.data() + i, length);
      i += length;
    }
  }
  return out;
}

namespace {

absl::string_view KindName(FrameKind kind) {
  switch (kind) {
    case FRAME_KIND_NATIVE: return "native";
    case FRAME_KIND_MANAGED: return "managed";
    case FRAME_KIND_RUNTIME_STUB: return "stub";
    case FRAME_KIND_SIGNAL_TRAMPOLINE: return "signal";
    default: return "unknown";
  }
}

absl::string_view TrustName(FrameTrust trust) {
  switch (trust) {
    case FRAME_TRUST_CONTEXT: return "context";
    case FRAME_TRUST_CFI: return "cfi";
    case FRAME_TRUST_DAC: return "dac";
    case FRAME_TRUST_FRAME_POINTER: return "fp";
    case FRAME_TRUST_SCAN: return "scan";
    default: return "?";
  }
}

absl::string_view FormatName(ModuleFormat format) {
  switch (format) {
    case MODULE_FORMAT_ELF: return "elf";
    case MODULE_FORMAT_PE: return "pe";
    case MODULE_FORMAT_ANONYMOUS: return "anon";
    case MODULE_FORMAT_OTHER_FILE: return "file";
    default: return "?";
  }
}

// Why the native walk stopped short of the outermost frame; empty for the clean end, for the
// frame limit (said by "truncated") and for a thread not walked (said by its error).
const char* WalkStop(UnwindEnd end) {
  switch (end) {
    case UNWIND_END_NO_UNWIND_INFO: return "no unwind information";
    case UNWIND_END_CFI_FAILED: return "the CFI step failed";
    case UNWIND_END_BAD_INSTRUCTION_POINTER: return "instruction pointer not in executable memory";
    case UNWIND_END_UNREADABLE_STACK: return "unreadable stack";
    case UNWIND_END_LOOP: return "the stack went round";
    case UNWIND_END_UNWINDER_ERROR: return "unwinder error";
    case UNWIND_END_DEADLINE: return "DDCRASH_TIMEOUT_MS ran out before it began; frame 0 only";
    default: return "";
  }
}

std::string ThreadTitle(const Thread& thread) {
  std::string title =
      absl::StrCat("Thread ", thread.tid(), " \"", Printable(thread.name()), "\"");
  if (thread.managed_id() != 0) {
    absl::StrAppend(&title, " (managed ", thread.managed_id(), ")");
  }
  if (thread.crashed()) absl::StrAppend(&title, " [crashed]");
  if (!thread.error().empty()) absl::StrAppend(&title, " [", Printable(thread.error()), "]");
  return title;
}

void AppendException(const Report& report, const Exception& exception, int depth,
                     std::string* out) {
  if (depth > 16) return;  // a corrupt chain must not print forever
  absl::StrAppend(out, depth == 0 ? "Exception: " : "  ---> Inner: ",
                  Printable(exception.type()), ": ", Printable(exception.message()));
  if (exception.hresult() != 0) {
    absl::StrAppendFormat(out, " (HResult 0x%08x)", static_cast<uint32_t>(exception.hresult()));
  }
  absl::StrAppend(out, "\n");
  if (const Frame* site = ThrowSite(exception); site != nullptr) {
    absl::StrAppend(out, depth == 0 ? "" : "  ", "  Thrown at: ", FrameLabel(report, *site), "\n");
  }
  if (!exception.stack_trace().empty()) {
    // As the runtime prints it (its lines begin "   at "), indented under its exception.
    for (absl::string_view line : absl::StrSplit(exception.stack_trace(), '\n')) {
      absl::StrAppend(out, depth == 0 ? "" : "  ", " ", Printable(line), "\n");
    }
  }
  if (exception.inner_exceptions_size() > 0) {
    // An aggregate: its `inner` is the first of these.
    for (const Exception& inner : exception.inner_exceptions()) {
      AppendException(report, inner, depth + 1, out);
    }
  } else if (exception.has_inner()) {
    AppendException(report, exception.inner(), depth + 1, out);
  }
  if (exception.inner_exceptions_omitted() > 0) {
    absl::StrAppend(out, "  ---> (", exception.inner_exceptions_omitted(),
                    " more inner exceptions not captured)\n");
  }
}

std::string Directory(absl::string_view path) {
  size_t slash = path.find_last_of('/');
  return slash == absl::string_view::npos ? std::string() : std::string(path.substr(0, slash + 1));
}

// A native frame with no name in a shared library of the runtime's own directory.
bool IsUnnamedRuntimeFrame(const Report& report, const Frame& frame,
                           const std::string& runtime_dir) {
  if (frame.kind() != FRAME_KIND_NATIVE || !frame.function().empty() || runtime_dir.empty()) {
    return false;
  }
  const std::string& module = FrameModulePath(report, frame);
  return module.size() > runtime_dir.size() && absl::StartsWith(module, runtime_dir) &&
         module.find('/', runtime_dir.size()) == std::string::npos &&
         absl::StrContains(Basename(module), ".so");
}

}  // namespace

std::string FrameLabel(const Report& report, const Frame& frame) {
  // A runtime transition frame is named by its kind alone ("[InlinedCallFrame]"); its ip is
  // the runtime's, not a place in the code it stands for.
  if (frame.kind() == FRAME_KIND_RUNTIME_STUB && !frame.function().empty()) {
    return Printable(frame.function());
  }
  std::string label;
  const std::string& module = FrameModulePath(report, frame);
  if (!module.empty() && frame.kind() != FRAME_KIND_MANAGED) {
    absl::StrAppend(&label, Printable(Basename(module)), "!");
  }
  if (!frame.function().empty()) {
    absl::StrAppend(&label, Printable(frame.function()));
    if (frame.function_offset() != 0) absl::StrAppendFormat(&label, "+0x%x", frame.function_offset());
  } else if (!module.empty()) {
    absl::StrAppendFormat(&label, "+0x%x", frame.module_offset());
  } else {
    absl::StrAppend(&label, "???");
  }
  if (frame.has_managed()) {
    const ManagedFrame& managed = frame.managed();
    if (managed.source_line() != 0) {
      absl::StrAppend(&label, " in ", Printable(managed.source_file()), ":line ",
                      managed.source_line());
    }
    std::string where = Printable(Basename(managed.module_path()));
    if (managed.il_offset() >= 0 && frame.kind() == FRAME_KIND_MANAGED) {
      absl::StrAppendFormat(&where, "%sIL_%04x", where.empty() ? "" : " ", managed.il_offset());
    }
    if (!where.empty()) absl::StrAppend(&label, " (", where, ")");
  }
  return label;
}

std::string RenderThread(const Report& report, const Thread& thread,
                         const RenderOptions& options) {
  std::string out = absl::StrCat(ThreadTitle(thread), "\n");
  if (thread.frames_size() == 0) absl::StrAppend(&out, "  (no frames)\n");
  const std::string runtime_dir = Directory(report.process().runtime().path());
  for (int i = 0; i < thread.frames_size(); ++i) {
    const Frame& frame = thread.frames(i);
    if (!options.all_frames && IsUnnamedRuntimeFrame(report, frame, runtime_dir)) {
      int end = i + 1;
      while (end < thread.frames_size() &&
             thread.frames(end).module_index() == frame.module_index() &&
             IsUnnamedRuntimeFrame(report, thread.frames(end), runtime_dir)) {
        ++end;
      }
      if (end - i >= 2) {
        absl::StrAppendFormat(&out, "  #%d-%d  %d frames in %s without symbols (--all-frames)\n",
                              frame.index(), thread.frames(end - 1).index(), end - i,
                              Printable(Basename(FrameModulePath(report, frame))));
        i = end - 1;
        continue;
      }
    }
    absl::StrAppendFormat(&out, "  #%-3d %016x %016x  %s  [%s,%s]\n", frame.index(), frame.sp(),
                          frame.ip(), FrameLabel(report, frame), KindName(frame.kind()),
                          TrustName(frame.trust()));
  }
  if (thread.truncated()) absl::StrAppend(&out, "  ... (truncated at the frame limit)\n");
  if (const std::string stop = WalkStop(thread.unwind_end()); !stop.empty()) {
    absl::StrAppend(&out, "  (native walk stopped: ", stop, ")\n");
  }
  return out;
}

std::string RenderThreadList(const Report& report) {
  std::string out;
  for (int i = 0; i < report.threads_size(); ++i) {
    const Thread& thread = report.threads(i);
    std::string top = thread.frames_size() > 0 ? FrameLabel(report, thread.frames(0)) : "(no frames)";
    absl::StrAppendFormat(&out, "%4d  %7d  %-16s %3d frames  %s%s\n", i, thread.tid(),
                          absl::StrCat("\"", Printable(thread.name()), "\""), thread.frames_size(), top,
                          thread.crashed() ? "  [crashed]" : "");
  }
  return out;
}

std::string RenderModules(const Report& report) {
  std::string out;
  for (const Module& module : report.modules()) {
    std::string bundled;
    if (module.has_bundled()) {
      bundled = absl::StrFormat(" (bundled in %s at 0x%x, 0x%x bytes)",
                                Printable(module.bundled().executable()),
                                module.bundled().offset(), module.bundled().size());
    }
    absl::StrAppendFormat(&out, "%016x %10x  %-4s  %-40s  %s%s%s\n", module.base(), module.size(),
                          FormatName(module.format()),
                          module.build_id().empty() ? "-" : Printable(module.build_id()),
                          Printable(module.path()),
                          module.deleted() ? " (deleted)" : "", bundled);
  }
  return out;
}

std::string RenderSummary(const Report& report, const RenderOptions& options) {
  const Process& process = report.process();
  std::string out;
  absl::StrAppend(&out, report.trigger() == TRIGGER_SNAPSHOT ? "Snapshot" : "Crash", " of process ",
                  process.pid(), " ", Printable(process.exe()));
  if (!process.runtime().version().empty()) {
    absl::StrAppend(&out, " (.NET ", Printable(process.runtime().version()), ")");
  }
  absl::StrAppend(&out, "\n");
  if (report.diagnostics().start_time_unix_nanos() != 0) {
    absl::StrAppend(&out, "Captured: ",
                    absl::FormatTime(absl::RFC3339_sec,
                                     absl::FromUnixNanos(report.diagnostics().start_time_unix_nanos()),
                                     absl::UTCTimeZone()),
                    " by ddreport ", Printable(report.diagnostics().reporter_version()),
                    process.hostname().empty() ? "" : absl::StrCat(" on ", Printable(process.hostname())),
                    "\n");
  }
  if (report.has_signal() && report.signal().number() != 0) {
    const Signal& signal = report.signal();
    absl::StrAppendFormat(&out, "Signal: %s (%s) at 0x%x", Printable(signal.name()),
                          Printable(signal.code_name()), signal.fault_address());
    if (report.crashing_tid() != 0) absl::StrAppend(&out, " in thread ", report.crashing_tid());
    absl::StrAppend(&out, "\n");
  }
  if (report.has_exception()) AppendException(report, report.exception(), 0, &out);
  absl::StrAppend(&out, "Threads: ", report.threads_size(), "  Modules: ", report.modules_size(),
                  "\n");
  if (report.diagnostics().incomplete()) {
    absl::StrAppend(&out, "Incomplete:");
    for (const IncompleteReason& reason : report.diagnostics().incomplete_reasons()) {
      absl::StrAppend(&out, " [", Printable(reason.stage()), ": ", Printable(reason.reason()), "]");
    }
    absl::StrAppend(&out, "\n");
  }
  const Thread* thread = CrashingThread(report);
  if (thread != nullptr) absl::StrAppend(&out, "\n", RenderThread(report, *thread, options));
  return out;
}

}  // namespace ddcrash
