#!/usr/bin/env python3
"""Source lines at crash time, through the real hook, against the runtime's own stack trace.

For each variant tests/dotnet/build_lines.sh published for the runtime (Debug and Release, JIT
and ReadyToRun, PDB beside the assembly or embedded), `Ddcrash.LinesApp crash` dies of an
unhandled exception on a plain thread. Run without the hook, the runtime prints its trace on
stderr; run with it, ddcrash writes a report. Every frame the runtime prints with a line must be
in the crashing thread of the report with the same file and line, in the same order, and the
app's module must carry its MVID, PDB id and where the PDB was read. Then the PDB beside a
copy of the app is removed, replaced by the PDB of changed source, and truncated: no lines for
that module, one diagnostic saying why, the rest of the report intact.
"""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import e2e  # noqa: E402
from e2e import check, fail  # noqa: E402

APP = "Ddcrash.LinesApp"
DLL = APP + ".dll"
PDB = APP + ".pdb"
VARIANTS = {
    "net8.0": ["debug-jit", "release-r2r"],
    "net9.0": ["debug-jit", "release-r2r"],
    "net10.0": ["debug-jit", "release-jit-embedded", "release-r2r", "release-r2r-embedded"],
}
TRACE_LINE = re.compile(r"^\s+at (\S.*?) in (.+):line (\d+)$", re.M)


def runtime_trace(stderr):
    """(method, file, line) of every frame the runtime's unhandled-exception trace prints with a
    line, innermost first."""
    return [(m.group(1), m.group(2), int(m.group(3))) for m in TRACE_LINE.finditer(stderr)]


def crash_report(e, app, what, report_dir):
    status, stderr, ms = e2e.run_app(e, app, ["crash"], e2e.hook_env(e, report_dir))
    check(status == 134, what + ": the app still dies of its exception (134)", str(status))
    files = e2e.one_report(report_dir)
    if not check(len(files) == 1, what + ": one report", str(files)):
        return None, None
    return e2e.query_json(e, files[0]), files[0]


def crashing_thread(r):
    return e2e.thread_by_tid(r, int(r.get("crashingTid", 0)))


def lines_of(thread):
    out = []
    for f in thread.get("frames", []):
        m = f.get("managed") or {}
        if m.get("sourceLine"):
            out.append((f.get("function", ""), m.get("sourceFile", ""), int(m["sourceLine"]),
                        m.get("modulePath", "")))
    return out


def source_line_errors(r):
    return [x for x in (r.get("diagnostics") or {}).get("errors", [])
            if x.startswith("source lines: ")]


def app_module(r, app_dir):
    for m in r.get("modules", []):
        if m.get("path") == os.path.join(app_dir, DLL):
            return m
    return None


def check_intact(r, what):
    """What must not depend on the PDB: the crash, its exception, the named throwing frame."""
    ct = crashing_thread(r)
    if not check(ct is not None, what + ": crashing thread present"):
        return
    check(((r.get("exception") or {}).get("type")) == "System.InvalidOperationException",
          what + ": exception type")
    check(any("Ddcrash.LinesApp.Crash.Thrower" in f.get("function", "")
              for f in ct.get("frames", [])), what + ": throwing method named")
    check(not (r.get("diagnostics") or {}).get("incomplete"), what + ": report complete",
          str((r.get("diagnostics") or {}).get("incompleteReasons")))


def check_variant(e, variant, app_dir):
    what = "%s/%s" % (variant, e.tfm)
    app = os.path.join(app_dir, APP)
    status, stderr, _ = e2e.run_app(e, app, ["crash"], e2e.clean_env())
    check(status == 134, what + ": baseline exits 134")
    expected = runtime_trace(stderr)
    if not check(len(expected) >= 4, what + ": the runtime prints lines for the app's frames",
                 stderr[-2000:]):
        return
    r, path = crash_report(e, app, what, e.newdir("lines-" + variant))
    if r is None:
        return
    check_intact(r, what)
    got = lines_of(crashing_thread(r))
    check([(f, l) for _, f, l in expected] == [(f, l) for _, f, l, _ in got],
          what + ": every line of the runtime's trace, same file and line, same order "
          "(%d frames)" % len(expected),
          "runtime %s\nreport  %s" % (expected, got))
    for (method, _, _), (function, _, _, _) in zip(expected, got):
        name = method.split("(")[0]
        # The DAC writes a nested type Outer+Inner, the runtime Outer.Inner.
        check(function.replace("+", ".").startswith(name.replace("[T]", "")),
              what + ": frame %s named" % name,
              function)
    m = app_module(r, app_dir)
    managed = (m or {}).get("managed") or {}
    embedded = variant.endswith("-embedded")
    check(len(managed.get("mvid", "")) == 36, what + ": app module MVID", str(m))
    check(re.fullmatch(r"[0-9a-f-]{36}-[0-9a-f]{8}", managed.get("pdbId", "")) is not None,
          what + ": app module PDB id", str(managed))
    check(managed.get("pdbPath", "").endswith(PDB), what + ": CodeView PDB path", str(managed))
    check(managed.get("pdbLocation") == ("embedded" if embedded else os.path.join(app_dir, PDB)),
          what + ": where the PDB was read", str(managed))
    pe = [x for x in r.get("modules", []) if x.get("format") == "MODULE_FORMAT_PE"]
    unidentified = [x.get("path") for x in pe
                    if len(((x.get("managed") or {}).get("mvid", ""))) != 36]
    check(len(pe) > 10 and not unidentified, what + ": every managed module identified (%d)"
          % len(pe), str(unidentified))
    errors = source_line_errors(r)
    check(not any(os.path.join(app_dir, DLL) in x for x in errors),
          what + ": no source-lines diagnostic for the app", str(errors))
    modules = [x.split(": ")[1] for x in errors]
    check(len(modules) == len(set(modules)), what + ": at most one diagnostic per module",
          str(errors))
    top = expected[0]
    p = subprocess.run([e.ddquery, path, "--crashing"], capture_output=True, text=True,
                       timeout=60)
    check(p.returncode == 0 and ("in %s:line %d" % (top[1], top[2])) in p.stdout,
          what + ": ddquery prints 'in File:line N'", p.stdout[-3000:])
    # The crashing thread has runs of unnamed libcoreclr.so frames (the runtime ships stripped):
    # the default view folds each run into one line, --all-frames shows every frame.
    crashing = [t for t in r.get("threads", []) if t.get("crashed")]
    kinds = [(f.get("module", "").endswith("libcoreclr.so") and not f.get("function"))
             for f in (crashing[0].get("frames", []) if crashing else [])]
    unnamed = sum(kinds)
    check(any(a and b for a, b in zip(kinds, kinds[1:])),
          what + ": the crashing thread has a run of unnamed libcoreclr.so frames", str(kinds))
    folded = re.findall(r"(\d+) frames in libcoreclr\.so without symbols \(--all-frames\)", p.stdout)
    alone = p.stdout.count("libcoreclr.so!+0x")  # a run of one is shown as it is
    check(folded and sum(int(n) for n in folded) + alone == unnamed,
          what + ": ddquery folds unnamed runtime frames (%s + %d alone = %d)"
          % ("+".join(folded), alone, unnamed), p.stdout[-3000:])
    p = subprocess.run([e.ddquery, path, "--crashing", "--all-frames"], capture_output=True,
                       text=True, timeout=60)
    check(p.returncode == 0 and "without symbols" not in p.stdout
          and p.stdout.count("libcoreclr.so!+0x") == unnamed,
          what + ": --all-frames shows every frame (%d unnamed libcoreclr.so frames)" % unnamed,
          p.stdout[-3000:])


def check_broken(e, variant, source_dir, rebuilt_pdb):
    """The PDB beside a copy of the app: missing, from changed source, truncated."""
    app_dir = os.path.join(e.work, "broken-" + variant)
    shutil.copytree(source_dir, app_dir, symlinks=True)
    pdb = os.path.join(app_dir, PDB)
    good = open(pdb, "rb").read()
    cases = [
        ("missing", None, PDB),
        ("rebuilt", open(rebuilt_pdb, "rb").read(), "built from other sources"),
        ("corrupt", good[:len(good) // 3], PDB),
    ]
    for case, content, why in cases:
        what = "%s/%s %s PDB" % (variant, e.tfm, case)
        if os.path.exists(pdb):
            os.unlink(pdb)
        if content is not None:
            with open(pdb, "wb") as f:
                f.write(content)
        r, _ = crash_report(e, os.path.join(app_dir, APP), what, e.newdir("broken-" + case))
        if r is None:
            continue
        check_intact(r, what)
        app_lines = [x for x in lines_of(crashing_thread(r)) if x[3].endswith("/" + DLL)]
        check(app_lines == [], what + ": no lines for the app's frames", str(app_lines))
        mine = [x for x in source_line_errors(r) if os.path.join(app_dir, DLL) in x]
        check(len(mine) == 1 and why in mine[0], what + ": one diagnostic saying why",
              str(source_line_errors(r)))
        managed = (app_module(r, app_dir) or {}).get("managed") or {}
        check(len(managed.get("mvid", "")) == 36 and managed.get("pdbId")
              and not managed.get("pdbLocation"),
              what + ": module still identified, no PDB location", str(managed))


def main():
    a = e2e.parse_suite_args(["lines"])
    e = e2e.Env(a)
    root = os.path.join(a.out, "lines")
    print("== lines on %s (%s)" % (a.tfm, root), flush=True)
    for variant in VARIANTS[a.tfm]:
        app_dir = os.path.join(root, variant, a.tfm)
        if not os.path.isfile(os.path.join(app_dir, APP)):
            fail("%s is missing: run tests/dotnet/build.sh first" % app_dir)
            continue
        check_variant(e, variant, app_dir)
    rebuilt = os.path.join(root, "rebuilt", "net10.0", PDB)
    if a.tfm == "net10.0":
        if os.path.isfile(rebuilt):
            check_broken(e, "release-r2r", os.path.join(root, "release-r2r", a.tfm), rebuilt)
        else:
            fail("%s is missing: run tests/dotnet/build.sh first" % rebuilt)
    return e2e.finish()


if __name__ == "__main__":
    sys.exit(main())
