#!/usr/bin/env python3
"""The hook and ddreport on the other shapes .NET apps ship in (tests/dotnet/build_shapes.sh).

  --shape singlefile (.NET 8, 9, 10): see suite_singlefile.

  --shape aot (NativeAOT, .NET 8 and 10): the runtime launches createdump with execv, and only
  when a createdump sits beside the executable (NativeAOT apps ship none). For each mode the
  same app runs without the hook and with it, from a fresh working directory:
    crash-worker    an unhandled exception on a worker thread
    crash-native    a native null write through P/Invoke
    nullref-caught  a NullReferenceException from a hardware fault, caught: no report
  and must end the same (exit status, the runtime's stderr, files written), with exactly one
  report per crash: RUNTIME_FLAVOR_NATIVE_AOT, the methods in .NET form with their symbols
  kept. The user asking for their own dump (DbgEnableMiniDump with their name, createdump copied
  beside the app) gets it as without the hook, and a report too; without a createdump beside
  the app they get the runtime's own message and no report, as without the hook. Then `ddreport --pid` of the
  live app, and the runtime's imports: no exec-family or spawn function the hook does not
  interpose. Every check prints ok:/FAIL:.

  usage: shapes_test.py --shape aot|singlefile --tfm TFM --ddreport P --ddquery P --hook P
                        --build-sh P --fill-dac-dir P
"""

import argparse
import glob
import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import e2e  # noqa: E402
from e2e import check, fail  # noqa: E402

APP = "Ddcrash.Shapes"
# The exec-family and spawn functions of glibc, and those the hook interposes.
EXEC_FAMILY = {"execve", "execv", "execvp", "execvpe", "execl", "execlp", "execle", "fexecve",
               "posix_spawn", "posix_spawnp", "system", "popen"}
INTERPOSED = {"execve", "execv"}
NOT_FOUND = "DOTNET_DbgEnableMiniDump is set and the createdump binary does not exist"
LAST_STDERR = {}  # what -> the hooked run's stderr


def imports(binary):
    out = subprocess.run(["nm", "-D", "--undefined-only", binary], capture_output=True,
                         text=True, check=True).stdout
    return {line.split()[-1].split("@")[0] for line in out.splitlines() if line.strip()}


def run(app, mode, env, cwd):
    p = subprocess.run([app, mode], env=env, cwd=cwd, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True, timeout=120)
    status = p.returncode if p.returncode >= 0 else 128 - p.returncode
    return status, p.stderr


def runtime_lines(stderr):
    """The app's stderr without ddcrash's own line, numbers (pids, addresses) made alike."""
    return [re.sub(r"\d+", "N", line) for line in stderr.splitlines()
            if not line.startswith("ddcrash: ")]


def files_in(d):
    return sorted(re.sub(r"\d+", "N", f) for f in os.listdir(d))


def crashing_thread(r):
    return e2e.thread_by_tid(r, r.get("crashingTid", 0))


def named(thread):
    return [(f.get("function", ""), f.get("mangledFunction", "")) for f in thread["frames"]]


FLAVOR = {"aot": "RUNTIME_FLAVOR_NATIVE_AOT", "singlefile": "RUNTIME_FLAVOR_CORECLR_SINGLE_FILE"}


def managed_functions(thread):
    return [f.get("function", "") for f in thread["frames"] if f.get("kind") == "FRAME_KIND_MANAGED"]


def compare(a, work, mode, expect_report, extra_env=None, app=None, what=None, hooked_env=None):
    """Runs `mode` without and with the hook (`hooked_env` only in the hooked run); returns the
    report (or None)."""
    app = app or a.app
    what = what or mode
    extra_env = extra_env or {}
    plain, hooked = (os.path.join(work, "%s-%s" % (what, k)) for k in ("plain", "hooked"))
    reports = os.path.join(work, "%s-reports" % what)
    for d in (plain, hooked):
        os.makedirs(d)
    env = e2e.clean_env(**{k: v.replace("{dir}", plain) for k, v in extra_env.items()})
    s_plain, err_plain = run(app, mode, env, plain)
    env = e2e.clean_env(LD_PRELOAD=a.hook, DDCRASH_REPORTER=a.ddreport, DDCRASH_REPORT_DIR=reports,
                        **{k: v.replace("{dir}", hooked) for k, v in extra_env.items()})
    env.update(hooked_env or {})
    s_hooked, err_hooked = run(app, mode, env, hooked)
    LAST_STDERR[what] = err_hooked
    check(s_plain == s_hooked, "%s: exit status %d with the hook as without" % (what, s_plain),
          "with the hook %d" % s_hooked)
    check(NOT_FOUND not in err_hooked or NOT_FOUND in err_plain,
          "%s: no createdump message because of the hook" % what, err_hooked)
    check(runtime_lines(err_plain) == runtime_lines(err_hooked),
          "%s: the runtime's stderr is the same with the hook" % what,
          "without:\n%s\nwith:\n%s" % (err_plain, err_hooked))
    check(files_in(plain) == files_in(hooked), "%s: the same files written (%s)"
          % (what, files_in(plain)), "with the hook: %s" % files_in(hooked))
    found = sorted(glob.glob(os.path.join(reports, "ddcrash.*.pb")))
    if not expect_report:
        check(not found, "%s: no report" % what, str(found))
        return None
    check(len(found) == 1, "%s: exactly one report" % what, "%s; stderr: %s" % (found, err_hooked))
    if len(found) != 1:
        return None
    r = e2e.query_json(a, found[0])
    rt = r["process"].get("runtime") or {}
    check(rt.get("flavor") == FLAVOR[a.shape], "%s: runtime.flavor %s" % (what, FLAVOR[a.shape]),
          str(rt))
    check(os.path.realpath(rt.get("path", "")) == os.path.realpath(app),
          "%s: runtime.path is the app" % what, rt.get("path", ""))
    if a.shape == "aot":
        check(not r["diagnostics"].get("incomplete"), "%s: not incomplete" % what,
              str(r["diagnostics"].get("incompleteReasons")))
    return r


def suite_aot(a, work):
    for binary in (a.app, os.path.join(a.out, "testapp", a.tfm, "libcoreclr.so")):
        used = imports(binary) & EXEC_FAMILY
        check(used and used <= INTERPOSED, "%s imports only interposed exec functions: %s"
              % (os.path.basename(binary), sorted(used)), "not interposed: %s" % sorted(used - INTERPOSED))

    r = compare(a, work, "crash-worker", True)
    if r:
        check((r.get("signal") or {}).get("number") == 6, "crash-worker: SIGABRT")
        t = crashing_thread(r)
        frames = named(t) if t else []
        check(("Ddcrash.Shapes.Crasher.Throw", "Ddcrash_Shapes_Ddcrash_Shapes_Crasher__Throw")
              in frames, "crash-worker: Ddcrash.Shapes.Crasher.Throw on the crashing thread, "
              "its symbol kept", e2e.describe(t) if t else "no crashing thread")
        check(any(f == "System.Threading.Thread.StartThread" for f, _ in frames),
              "crash-worker: System.Threading.Thread.StartThread below it")
        exc = r.get("exception") or {}
        check(exc.get("type") == "System.InvalidOperationException"
              and exc.get("message") == "ddcrash shapes: worker fault",
              "crash-worker: the exception's type and message, from the fail-fast's record",
              str(exc))
        check("Ddcrash.Shapes.Crasher.Throw()" in exc.get("stackTrace", ""),
              "crash-worker: the exception's recorded stack", exc.get("stackTrace", ""))
        ver = (r["process"].get("runtime") or {}).get("version", "")
        check(ver.split(".")[0] == a.tfm[3:].split(".")[0], "crash-worker: runtime.version %s" % ver)
    r = compare(a, work, "crash-native", True)
    if r:
        check((r.get("signal") or {}).get("number") == 11, "crash-native: SIGSEGV")
        t = crashing_thread(r)
        frames = named(t) if t else []
        check(any(f.startswith("__memset") or f == "memset" for f, _ in frames),
              "crash-native: memset on the crashing thread", e2e.describe(t) if t else "")
        check(any(f.startswith("Ddcrash.Shapes.") for f, _ in frames),
              "crash-native: a Ddcrash.Shapes method below it", e2e.describe(t) if t else "")
    compare(a, work, "nullref-caught", False)

    # The user asks for their own dump. Without a createdump beside the app: the runtime's own
    # message, with the hook as without it (and no report: nothing is launched).
    # (NativeAOT writes only full dumps.)
    user = {"DOTNET_DbgEnableMiniDump": "1", "DOTNET_DbgMiniDumpName": "{dir}/user.%p",
            "DOTNET_DbgMiniDumpType": "4"}
    compare(a, work, "crash-worker", False, user, what="user-dump-no-createdump")
    check(NOT_FOUND in LAST_STDERR.get("user-dump-no-createdump", ""),
          "user-dump-no-createdump: the runtime's own message, with the hook too")
    # With createdump copied beside the app: their dump as without the hook, and a report.
    app_dir = os.path.join(work, "app")
    os.makedirs(app_dir)
    app = os.path.join(app_dir, APP)
    shutil.copy2(a.app, app)
    shutil.copy2(a.app + ".dbg", app + ".dbg")
    shutil.copy2(os.path.join(a.out, "testapp", a.tfm, "createdump"), app_dir)
    r = compare(a, work, "crash-worker", True, user, app=app, what="user-dump")
    for run_kind in ("plain", "hooked"):
        dumps = glob.glob(os.path.join(work, "user-dump-" + run_kind, "user.*"))
        check(len(dumps) == 1 and os.path.getsize(dumps[0]) > 0,
              "user-dump (%s): the user's dump written" % run_kind, str(dumps))
        for d in dumps:
            os.remove(d)

    # ddreport --pid of the live app.
    live = e2e.LiveApp(a.app, env=e2e.clean_env())
    try:
        out = os.path.join(work, "live.pb")
        rc, err = e2e.snapshot(a, live.pid, out)
        check(rc == 0, "ddreport --pid exits 0", "exit %d: %s" % (rc, err))
        r = e2e.query_json(a, out)
        check((r["process"].get("runtime") or {}).get("flavor") == "RUNTIME_FLAVOR_NATIVE_AOT",
              "--pid: runtime.flavor NATIVE_AOT")
        workers = [t for t in r["threads"]
                   if any(f == "Ddcrash.Shapes.Parker.Park" for f, _ in named(t))]
        check(len(workers) == 2, "--pid: two threads in Ddcrash.Shapes.Parker.Park",
              "found %d" % len(workers))
        live.check_running_then_term("--pid")
    finally:
        live.kill()


def suite_singlefile(a, work):
    """The runtime's createdump is built into the single-file host and runs in a forked child
    without exec: the hook must not enable it (no dump, no [createdump] lines the app would not
    print), and reports through the fatal-signal handler it chains under the runtime's. With the
    DAC, the --pid report lists the assemblies mapped from inside the executable as managed PE
    modules (check_bundled_modules)."""
    r = compare(a, work, "crash-worker", True)
    if r:
        check((r.get("signal") or {}).get("number") == 6, "crash-worker: SIGABRT")
        check(r.get("crashingTid") and crashing_thread(r) is not None,
              "crash-worker: the crashing thread is in the report")
    r = compare(a, work, "crash-native", True)
    if r:
        check((r.get("signal") or {}).get("number") == 11, "crash-native: SIGSEGV")
        t = crashing_thread(r)
        check(t is not None and any(f.startswith("__memset") or f == "memset"
                                    for f, _ in named(t)),
              "crash-native: memset on the crashing thread", e2e.describe(t) if t else "")
    # A hardware fault the runtime handles (a caught NullReferenceException): no report.
    compare(a, work, "nullref-caught", False)
    # Started by a hooked CoreCLR app: the marker settings it inherits are given back, so the
    # built-in createdump does not run.
    inherited = {"DOTNET_DbgEnableMiniDump": "1",
                 "DOTNET_DbgMiniDumpName": "/proc/ddcrash-hook-marker.%p",
                 "DDCRASH_USER_DUMP": "0", "DDCRASH_USER_DUMP_NAME": ""}
    compare(a, work, "crash-worker", True, what="inherited", hooked_env=inherited)
    # The user's own full dump: the runtime writes it itself, with the hook as without, and the
    # report comes too.
    user = {"DOTNET_DbgEnableMiniDump": "1", "DOTNET_DbgMiniDumpName": "{dir}/user.%p",
            "DOTNET_DbgMiniDumpType": "4"}
    compare(a, work, "crash-worker", True, user, what="user-dump")
    for run_kind in ("plain", "hooked"):
        dumps = glob.glob(os.path.join(work, "user-dump-" + run_kind, "user.*"))
        check(len(dumps) == 1 and os.path.getsize(dumps[0]) > 0,
              "user-dump (%s): the user's dump written" % run_kind, str(dumps))
        for d in dumps:
            os.remove(d)

    # The bundle ships no DAC: DDCRASH_DAC_DIR, filled by tools/fill_dac_dir.sh from the NuGet
    # cache's runtime packs, gives the exact one (DotNetRuntimeInfo's DacModuleIndex).
    dac_dir = os.path.join(work, "dacs")
    packs = glob.glob(os.path.join(pwd.getpwuid(os.getuid()).pw_dir, ".nuget", "packages",
                                   "microsoft.netcore.app.runtime.linux-x64", "*", "runtimes",
                                   "linux-x64", "native"))
    p = subprocess.run([a.fill_dac_dir, dac_dir] + packs, capture_output=True, text=True)
    check(p.returncode == 0, "tools/fill_dac_dir.sh fills a DAC directory from the NuGet cache",
          p.stderr)
    r = compare(a, work, "crash-worker", True, {"DDCRASH_DAC_DIR": dac_dir}, what="dac-dir")
    if r:
        check(not r["diagnostics"].get("incomplete"), "dac-dir: complete (the DAC was found)",
              str(r["diagnostics"].get("incompleteReasons")))
        t = crashing_thread(r)
        check(t is not None and "Ddcrash.Shapes.Crasher.Throw()" in managed_functions(t),
              "dac-dir: Ddcrash.Shapes.Crasher.Throw() managed on the crashing thread",
              e2e.describe(t) if t else "")
        exc = r.get("exception") or {}
        check(exc.get("type") == "System.InvalidOperationException"
              and exc.get("message") == "ddcrash shapes: worker fault",
              "dac-dir: the exception's type and message", str(exc))
        rt = r["process"].get("runtime") or {}
        check(rt.get("dacPath", "").startswith(dac_dir + "/"), "dac-dir: the DAC from the directory",
              rt.get("dacPath", ""))
        check(re.search(r"at Ddcrash\.Shapes\.Crasher\.Throw\(\) in .*/Program\.cs:line \d+",
                        exc.get("stackTrace", "")),
              "dac-dir: the exception's stack trace has the bundled app's method and line",
              exc.get("stackTrace", ""))
        paths = {m["path"] for m in r["modules"]}
        frame_paths = {(f.get("managed") or {}).get("modulePath", "") for th in r["threads"]
                       for f in th["frames"] if f.get("kind") == "FRAME_KIND_MANAGED"}
        check(frame_paths and frame_paths <= paths,
              "dac-dir: every managed frame's module path is a module of the list",
              "not in the list: %s" % sorted(frame_paths - paths))
    # ddreport --pid of the live app.
    live = e2e.LiveApp(a.app, env=e2e.clean_env())
    try:
        out = os.path.join(work, "live.pb")
        rc, err = e2e.snapshot(a, live.pid, out, DDCRASH_DAC_DIR=dac_dir)
        check(rc == 0, "ddreport --pid exits 0 (complete)", "exit %d: %s" % (rc, err))
        r = e2e.query_json(a, out)
        parked = [t for t in r["threads"]
                  if any(f.startswith("Ddcrash.Shapes.Parker.Park(") for f in managed_functions(t))]
        check(len(parked) == 2, "--pid: two threads in managed Ddcrash.Shapes.Parker.Park",
              "found %d" % len(parked))
        check_bundled_modules(a, r)
        live.check_running_then_term("--pid")
    finally:
        live.kill()


def check_bundled_modules(a, r):
    """The assemblies the runtime maps from the executable are PE modules of their own, named as
    the runtime names them (beside the executable), identified from their bytes there."""
    exe = os.path.realpath(a.app)
    app_dir = os.path.dirname(a.app)
    size = os.path.getsize(exe)
    bundled = [m for m in r["modules"] if "bundled" in m]
    with open(exe, "rb") as f:
        def starts_pe(m):
            b = m["bundled"]
            f.seek(int(b.get("offset", 0)))
            return f.read(2) == b"MZ"
        for name in ("Ddcrash.Shapes.dll", "System.Private.CoreLib.dll"):
            mods = [m for m in bundled if m["path"] == os.path.join(app_dir, name)]
            ok = bool(mods) and all(
                m.get("format") == "MODULE_FORMAT_PE"
                and os.path.realpath(m["bundled"].get("executable", "")) == exe
                and 0 < int(m["bundled"].get("offset", 0))
                and int(m["bundled"].get("offset", 0)) + int(m["bundled"].get("size", 0)) <= size
                and starts_pe(m)
                and re.fullmatch(r"[0-9a-f-]{36}", (m.get("managed") or {}).get("mvid", ""))
                for m in mods)
            check(ok, "--pid: %s is a bundled PE module with an MVID, located in the executable"
                  % name, json_short(mods or bundled[:3]))
    check(not [m for m in r["modules"] if m.get("format") == "MODULE_FORMAT_OTHER_FILE"
               and os.path.realpath(m.get("path", "")) == exe],
          "--pid: no mapping of the executable is left an unnamed other file")
    paths = {m["path"] for m in r["modules"]}
    frame_paths = {(f.get("managed") or {}).get("modulePath", "") for t in r["threads"]
                   for f in t["frames"] if f.get("kind") == "FRAME_KIND_MANAGED"}
    check(frame_paths and frame_paths <= paths,
          "--pid: every managed frame's module path is a module of the list (%d)" % len(frame_paths),
          "not in the list: %s" % sorted(frame_paths - paths))
    app_dll = [m for m in bundled if m["path"] == os.path.join(app_dir, "Ddcrash.Shapes.dll")]
    pdb = os.path.join(app_dir, "Ddcrash.Shapes.pdb")
    check(app_dll and (app_dll[0].get("managed") or {}).get("pdbLocation") == pdb,
          "--pid: the app's PDB, beside the executable, matched its bundled assembly",
          json_short(app_dll))
    lines = [f for t in r["threads"] for f in t["frames"]
             if (f.get("managed") or {}).get("method") == "Ddcrash.Shapes.Parker.Park"]
    check(lines and all((f["managed"].get("sourceFile") or "").endswith("/Program.cs")
                        and f["managed"].get("sourceLine", 0) > 0 for f in lines),
          "--pid: Ddcrash.Shapes.Parker.Park frames have source lines", json_short(lines[:1]))
    corelib = os.path.join(app_dir, "System.Private.CoreLib.dll")
    errors = r["diagnostics"].get("errors", [])
    check(any(e.startswith("source lines: no lines for %s: " % corelib)
              and "System.Private.CoreLib.pdb" in e for e in errors),
          "--pid: System.Private.CoreLib.dll, bundled without its PDB, says why it has no lines",
          str(errors))


def json_short(value):
    return json.dumps(value)[:1500]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shape", required=True, choices=["aot", "singlefile"])
    for k in ("tfm", "ddreport", "ddquery", "hook", "build-sh", "fill-dac-dir"):
        ap.add_argument("--" + k, required=True)
    a = ap.parse_args()
    a.ddreport, a.ddquery, a.hook = (os.path.realpath(p) for p in (a.ddreport, a.ddquery, a.hook))
    a.out = e2e.test_apps_dir(a.build_sh)
    a.app = os.path.join(a.out, "shapes", a.shape, a.tfm, APP)
    if not os.path.isfile(a.app):
        fail("%s is missing: run tests/dotnet/build.sh first" % a.app)
        return 1
    work = tempfile.mkdtemp(prefix="shapes.", dir=os.environ.get("TEST_TMPDIR", "/tmp"))
    print("== %s %s (%s)" % (a.shape, a.tfm, a.app), flush=True)
    {"aot": suite_aot, "singlefile": suite_singlefile}[a.shape](a, work)
    return e2e.finish()


if __name__ == "__main__":
    sys.exit(main())
