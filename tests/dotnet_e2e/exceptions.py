#!/usr/bin/env python3
"""ddcrash end to end: the whole exception, as the runtime prints it (a py_test per runtime).

Each crash mode of tests/dotnet/ExcApp (`async Task Main`) runs twice: without the hook, for the
runtime's own "Unhandled exception." text on stderr, and with it, for our report. For every
exception (the outer one, its inner one, an aggregate's others) the report's stackTrace is the
runtime's trace line for line, source locations included (" in File.cs:line N", from the app's
PDB as the runtime reads it), so it names the methods of the app's code in the runtime's order; the report's "Type: message" is the runtime's; the crash
line on stderr and ddquery's summary name the throw site (the innermost frame of the app's
code, not ExceptionDispatchInfo.Throw); the roles of the crashing thread (finalizer) and of
every server GC thread. Then `live-alloc 300` (300 threads allocating) is snapshotted 20
times with ddreport --pid: every managed frame is named, or the report says which it could not.
An exception thrown 3000 calls deep keeps its first 1024 frames and says how many were cut.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import e2e  # noqa: E402
from e2e import check, fail  # noqa: E402

APP = "Ddcrash.ExcApp"
NS = "Ddcrash.ExcApp."
PREVIOUS = "--- End of stack trace from previous location ---"
SNAPSHOTS = 20

# mode -> (exception type, extra environment, role the crashing thread must have)
MODES = {
    "async-main": ("System.InvalidOperationException", {}, None),
    "whenall": ("System.AggregateException", {}, None),
    "argrange": ("System.ArgumentOutOfRangeException", {}, None),
    "rethrow": ("System.InvalidOperationException", {}, None),
    "edi": ("System.InvalidOperationException", {}, None),
    "linq": ("System.Collections.Generic.KeyNotFoundException", {}, None),
    "finalizer": ("System.InvalidOperationException", {}, "THREAD_ROLE_FINALIZER"),
    "servergc": ("System.InvalidOperationException",
                 {"DOTNET_gcServer": 1, "DOTNET_GCHeapCount": 2}, None),
    "disposed": ("System.ObjectDisposedException", {}, None),
    "filenotfound": ("System.IO.FileNotFoundException", {}, None),
    "typeload": ("System.TypeLoadException", {}, None),
    "badimage": ("System.BadImageFormatException", {}, None),
    "argnull": ("System.ArgumentNullException", {}, None),
}


def method_key(at_line):
    """'   at Ns.T`1.M[TKey](TKey key) in /p.cs:line 5' -> 'Ns.T`1.M' (no parameters, generic
    method arguments or source location), nested types joined by '.'."""
    s = at_line.strip()[len("at "):]
    s = re.sub(r" in .*:line \d+$", "", s)
    s = s[:s.find("(")] if "(" in s else s
    s = re.sub(r"\[[^\[\]]*\]$", "", s)
    return s.replace("+", ".")


def app_methods(lines):
    return [method_key(l) for l in lines
            if l.startswith("   at ") and method_key(l).startswith(NS)]


def runtime_text(stderr):
    """The runtime's "Unhandled exception." block, split: (header "Type: message", outer trace
    lines, first inner's trace lines or None, [each further aggregate inner's trace lines])."""
    i = stderr.find("Unhandled exception. ")
    if i < 0:
        return None
    lines = stderr[i + len("Unhandled exception. "):].splitlines()
    n = 0
    header = []
    while n < len(lines) and not lines[n].startswith((" ---> ", "   at ", "--- End")):
        header.append(lines[n])
        n += 1
    rest = lines[n:]
    inner, outer, others = None, [], []
    if rest and rest[0].startswith(" ---> "):
        end = rest.index("   --- End of inner exception stack trace ---")
        inner = rest[1:end]
        rest = rest[end + 1:]
    cur = outer
    for line in rest:
        if line.startswith(" ---> (Inner Exception #"):
            cur = []
            others.append(cur)
            continue
        if line.startswith("ddcrash"):
            break
        cur.append(line)
    return "\n".join(header), outer, inner, others


def trace_lines(lines):
    """A trace's "   at ..." and "--- End of stack trace ..." lines, without the "<---" ending
    an aggregate's inner exception."""
    out = []
    for line in lines:
        line = re.sub(r"<---$", "", line)
        if line.startswith("   at ") or line == PREVIOUS:
            out.append(line)
    return out


def check_trace(what, ours, theirs):
    """Our stackTrace text against the runtime's lines for the same exception: the same lines,
    the framework's frames and hidden frames included."""
    ours_lines = (ours or "").split("\n")
    check(app_methods(ours_lines) == app_methods(theirs),
          what + ": the app's methods in the runtime's order: %s" % app_methods(theirs),
          "ours %s" % app_methods(ours_lines))
    check(trace_lines(ours_lines) == trace_lines(theirs),
          what + ": the runtime's trace, line for line (%d lines)" % len(trace_lines(theirs)),
          "\nours:\n%s\ntheirs:\n%s" % ("\n".join(trace_lines(ours_lines)),
                                       "\n".join(trace_lines(theirs))))


def label_names(line, method):
    """`line` (a crash line or ddquery's 'Thrown at:') names `method` ('Ns.T`1.M'), allowing
    the DAC's spelling ('+' for nesting, generic arguments in [[...]])."""
    typ, name = method.rsplit(".", 1)
    flat = line.replace("+", ".")
    return re.search(re.escape(typ) + r"(\[\[.*?\]\])?\." + re.escape(name) + r"(\[\[.*?\]\])?\(",
                     flat) is not None


def check_mode(e, app, mode, etype, extra, role):
    what = "%s %s" % (e.tfm, mode)
    base = subprocess.run([app, mode], env=e2e.clean_env(**extra), stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, timeout=60)
    parsed = runtime_text(base.stderr)
    if not check(parsed is not None, what + ": the runtime printed 'Unhandled exception.'",
                 base.stderr[-1500:]):
        return
    header, outer, inner, others = parsed
    # FileNotFoundException.ToString (and BadImageFormatException's) adds "File name: 'x'"
    # after the message; Message does not.
    header = re.sub(r"\nFile name: '[^\n]*'$", "", header)
    d = e.newdir(mode)
    status, err, _ = e2e.run_app(e, app, [mode], e2e.hook_env(e, d, **extra))
    files = e2e.one_report(d)
    if not check(len(files) == 1, what + ": one report written", err[-1500:]):
        return
    r = e2e.query_json(e, files[0])
    ex = r.get("exception") or {}
    check(ex.get("type") == etype, what + ": exception type " + etype, str(ex.get("type")))
    check("%s: %s" % (ex.get("type"), ex.get("message")) == header,
          what + ": 'Type: message' is the runtime's: %r" % header,
          "%r" % ("%s: %s" % (ex.get("type"), ex.get("message"))))
    check(ex.get("frames"), what + ": the exception's recorded frames are in the report")
    check_trace(what + " outer", ex.get("stackTrace"), outer)
    if inner is not None:
        check_trace(what + " inner", (ex.get("inner") or {}).get("stackTrace"), inner)
    listed = ex.get("innerExceptions") or []
    if others:
        check(len(listed) == len(others) + 1, what + ": %d inner exceptions" % (len(others) + 1),
              str(len(listed)))
        for k, theirs in enumerate(others, start=1):
            if k < len(listed):
                check_trace("%s inner #%d" % (what, k), listed[k].get("stackTrace"), theirs)
    site = (app_methods(outer) or [None])[0]
    line = [l for l in err.splitlines() if l.startswith("ddcrash: ")]
    if site is not None:
        check(len(line) == 1 and label_names(line[0], site) and "ExceptionDispatchInfo" not in
              line[0], what + ": the crash line names the throw site " + site, str(line))
        summary = subprocess.run([e.ddquery, files[0]], capture_output=True, text=True,
                                 timeout=60).stdout
        thrown = [l for l in summary.splitlines() if l.startswith("  Thrown at: ")]
        check(thrown and label_names(thrown[0], site),
              what + ": ddquery's summary names the throw site", str(thrown))
        # Each of the app's frames has an IL offset (the runtime's rule: the byte before).
        ils = [f["managed"].get("ilOffset", 0) for f in ex.get("frames", [])
               if (f.get("managed") or {}).get("modulePath", "").endswith(APP + ".dll")]
        check(ils and all(int(x) >= 0 for x in ils),
              what + ": every app frame of the exception has an IL offset", str(ils))
    crashed = [t for t in r["threads"] if t.get("crashed")]
    if role is not None:
        check(crashed and role in (crashed[0].get("roles") or []),
              what + ": the crashing thread has " + role,
              str(crashed and crashed[0].get("roles")))
    if mode == "servergc":
        gc = [t for t in r["threads"] if t.get("name") in (".NET Server GC", ".NET BGC")]
        check(len(gc) >= 2 and all("THREAD_ROLE_GC" in (t.get("roles") or []) for t in gc),
              what + ": every server / background GC thread (%d) has THREAD_ROLE_GC" % len(gc),
              str([(t.get("name"), t.get("roles")) for t in gc]))


def check_deep(e, app):
    """Thrown 3000 calls deep: the report keeps the first 1024 recorded frames, the runtime's
    first 1024 lines, and says how many it cut; within the crash budget."""
    what = "%s deep" % e.tfm
    base = subprocess.run([app, "deep"], env=e2e.clean_env(), stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, timeout=60)
    parsed = runtime_text(base.stderr)
    if not check(parsed is not None, what + ": the runtime printed 'Unhandled exception.'"):
        return
    theirs = trace_lines(parsed[1])
    d = e.newdir("deep")
    status, err, ms = e2e.run_app(e, app, ["deep"], e2e.hook_env(e, d))
    files = e2e.one_report(d)
    if not check(len(files) == 1, what + ": one report written", err[-1500:]):
        return
    check(ms < 5000, what + ": the hooked run took %.0f ms < DDCRASH_TIMEOUT_MS 5000" % ms)
    ex = e2e.query_json(e, files[0]).get("exception") or {}
    ours = (ex.get("stackTrace") or "").split("\n")
    check(len(ex.get("frames") or []) == 1024 and int(ex.get("framesOmitted", 0)) >= 3001 - 1024,
          what + ": 1024 frames kept, the rest counted",
          "%d frames, %s omitted" % (len(ex.get("frames") or []), ex.get("framesOmitted")))
    check(trace_lines(ours[:1024]) == theirs[:1024] and "more frames" in ours[-1],
          what + ": the runtime's first 1024 lines, then how many were cut", ours[-1])


def unnamed_managed(r):
    """(tid, ip) of frames left unknown at an ip the same report names as managed elsewhere."""
    named = {f.get("ip") for t in r["threads"] for f in t.get("frames", [])
             if f.get("kind") == "FRAME_KIND_MANAGED"}
    return [(t["tid"], f.get("ip")) for t in r["threads"] for f in t.get("frames", [])
            if f.get("kind") == "FRAME_KIND_UNKNOWN" and f.get("ip") in named]


def check_snapshots(e, app_path):
    what = "%s live-alloc 300" % e.tfm
    app = e2e.LiveApp(app_path, args=("live-alloc", "300"), timeout=120)
    try:
        d = e.newdir("live-alloc")
        complete = 0
        for n in range(SNAPSHOTS):
            out = os.path.join(d, "snap-%02d.pb" % n)
            rc, err = e2e.snapshot(e, app.pid, out)
            if not check(rc in (0, 1) and os.path.exists(out),
                         "%s #%d: ddreport --pid wrote a report" % (what, n), err[-800:]):
                continue
            r = e2e.query_json(e, out)
            diag = r.get("diagnostics") or {}
            reasons = [x.get("reason", "") for x in diag.get("incompleteReasons") or []]
            bad = unnamed_managed(r)
            # Capture lists up to 5 threads per reason, then "...".
            said = [x for x in reasons if "in managed code the DAC could not name" in x]
            listed = said and all(str(tid) in said[0] or "..." in said[0] for tid, _ in bad)
            check(not bad or (diag.get("incomplete") and listed),
                  "%s #%d: every managed frame is named, or the report says which it could "
                  "not" % (what, n), "unnamed %s; reasons %s" % (bad[:10], reasons))
            complete += not diag.get("incomplete")
        print("note: %s: %d of %d snapshots complete" % (what, complete, SNAPSHOTS))
        app.check_running_then_term(what)
    finally:
        app.kill()


def main():
    a = e2e.parse_suite_args(["exceptions"])
    e = e2e.Env(a)
    app = os.path.join(a.out, "excapp", a.tfm, APP)
    print("== exceptions on %s (%s)" % (a.tfm, app), flush=True)
    if not os.path.isfile(app):
        fail("%s is missing: run tests/dotnet/build.sh first" % app)
        return 1
    for mode, (etype, extra, role) in MODES.items():
        check_mode(e, app, mode, etype, extra, role)
    check_deep(e, app)
    check_snapshots(e, app)
    return e2e.finish()


if __name__ == "__main__":
    sys.exit(main())
