#!/usr/bin/env python3
"""The mmap ledger at a real .NET crash: ddreport's own mmap/munmap/mremap syscalls, traced
with the shipped tools/mmap_ledger.bt while libddhook.so runs ddreport in place of createdump
for `Ddcrash.TestApp crash-worker`, and while `ddreport --pid` snapshots `Ddcrash.TestApp
live`; checked by the shipped tools/check_mmap_ledger.py, each process's ledger on its own.
A .NET process maps its ReadyToRun assemblies (PE files, "MZ") executable, so both targets
have non-ELF executable mappings, the case of libunwind issue #738 (a double unmap).

  usage: mmap_ledger_test.py TFM DDREPORT DDQUERY LIBDDHOOK BUILD_SH MMAP_LEDGER_BT CHECKER
The app is found like the other suites find it (e2e.test_apps_dir): $DDCRASH_DOTNET_OUT/testapp/<tfm>,
else beside the real tests/dotnet/build.sh; missing apps are a FAILURE.

One bpftrace session (bpftrace -c: the traced commands start once every probe is attached)
runs this script again as the driver ("--drive PLAN"), which runs, in order:
  1. a canary: a program exec'd under the name "ddreport" (a symlink to python) from a shell,
     whose forked child unmaps one range twice -- the checker, selecting by parent as for the
     crash, must flag that DOUBLE UNMAP in the child's ledger, so a clean result means something;
  2. the crash: crash-worker under LD_PRELOAD=libddhook.so; ddreport (exec'd by the app's
     forked child, so the app is its parent) and its forked DAC child are traced;
  3. the snapshot: ddreport --pid on the live app.
Asserted: bpftrace attaches (tracefs mounted if needed) -- otherwise FAIL, never skip; for the
crash, the app exits 134 as it does without the hook, one report is written and readable, and
it lists PE modules; the ledger of the crash's ddreport processes is complete (start and end
markers, no lost events, one ddreport exec'd by the app and exiting, its DAC child forked by
it, exiting, and mapping libmscordaccore.so) and clean; the same for the snapshot, which exits
0, and the live app keeps running, untraced.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import e2e  # noqa: E402  (clean_env, hook_env, LiveApp, check, ...)

DAC = "libmscordaccore.so"

CANARY = r"""
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int,
                      ctypes.c_int, ctypes.c_long]
libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
child = os.fork()
if child == 0:
    addr = libc.mmap(None, 8192, 1, 0x22, -1, 0)    # PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS
    first = libc.munmap(addr, 8192)
    second = libc.munmap(addr, 8192)                 # the double unmap (succeeds: nothing there)
    print(f"CANARY {os.getpid()} {addr} {first} {second}", flush=True)
    os._exit(0)
_, status = os.waitpid(child, 0)
sys.exit(0 if status == 0 else 1)
"""


# ---- the driver: runs under bpftrace -c ------------------------------------------------------

def drive(plan_path):
    with open(plan_path) as f:
        plan = Plan(json.load(f))
    work = plan["work"]
    result = {}

    # 1. The canary, exec'd as "ddreport" by a shell (its parent, which the checker selects).
    canary_py = os.path.join(work, "canary.py")
    with open(canary_py, "w") as f:
        f.write(CANARY)
    bindir = os.path.join(work, "canary-bin")
    os.makedirs(bindir, exist_ok=True)
    fake = os.path.join(bindir, "ddreport")
    os.symlink(os.path.realpath(sys.executable), fake)
    shell_pid_file = os.path.join(work, "canary.shell.pid")
    # "; true": the shell must stay the parent, not exec the canary.
    p = subprocess.run(["/bin/sh", "-c", 'echo $$ > "$0"; "$1" "$2"; rc=$?; true; exit $rc',
                        shell_pid_file, fake, canary_py],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    out = p.stdout.decode(errors="replace")
    line = [l.split() for l in out.splitlines() if l.startswith("CANARY ")]
    result["canary"] = {"rc": p.returncode, "output": out,
                        "shell_pid": int(open(shell_pid_file).read()),
                        "child_pid": int(line[0][1]) if line else None,
                        "addr": int(line[0][2]) if line else None}

    # 2. The crash, through the hook.
    report_dir = os.path.join(work, "crash-reports")
    os.makedirs(report_dir)
    start = time.monotonic()
    app = subprocess.Popen([plan["app"], "crash-worker"], env=e2e.hook_env(plan, report_dir),
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _, err = app.communicate(timeout=60)
    status = app.returncode if app.returncode >= 0 else 128 - app.returncode
    result["crash"] = {"pid": app.pid, "status": status, "stderr": err[-3000:],
                       "ms": (time.monotonic() - start) * 1000, "report_dir": report_dir}

    # 3. ddreport --pid on the live app.
    live = e2e.LiveApp(plan["app"])
    try:
        out_pb = os.path.join(work, "live.pb")
        snap = subprocess.Popen([plan["ddreport"], "--pid", str(live.pid), "-o", out_pb],
                                env=e2e.clean_env(), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        _, err = snap.communicate(timeout=120)
        time.sleep(0.2)
        state = live.state()
        result["live"] = {"app_pid": live.pid, "ddreport_pid": snap.pid, "rc": snap.returncode,
                          "stderr": err[-3000:], "report": out_pb,
                          "running": live.p.poll() is None, "state": state}
    finally:
        live.kill()

    with open(plan["result"], "w") as f:
        json.dump(result, f, indent=1)
    print("driver: done", flush=True)
    return 0


class Plan(dict):
    """The driver's plan; e2e.hook_env reads .hook and .ddreport from it."""

    def __getattr__(self, name):
        return self[name]


# ---- the test --------------------------------------------------------------------------------

def run_checker(checker, ledger, args, json_path):
    p = subprocess.run([sys.executable, checker, ledger, "--json", json_path] + args,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    out = p.stdout.decode(errors="replace")
    try:
        with open(json_path) as f:
            summary = json.load(f)
    except (OSError, ValueError):
        summary = {"problems": ["no JSON from the checker"], "processes": []}
    return p.returncode, out, summary


def pe_modules(report):
    return [os.path.basename(m.get("path", "")) for m in report.get("modules", [])
            if m.get("format") == "MODULE_FORMAT_PE"]


def check_tree(what, summary, root_parent=None, root_pid=None):
    """One ddreport exec'd (by root_parent, or with pid root_pid), exiting, with mmaps; at least
    one child it forked, exiting, that mapped the DAC. Returns the ddreport's pid."""
    procs = summary["processes"]
    roots = [p for p in procs if p["origin"] == "exec" and
             (root_parent is None or p["parent"] == root_parent) and
             (root_pid is None or p["pid"] == root_pid)]
    if not e2e.check(len(roots) == 1 and roots[0]["exited"] and roots[0]["mmap"] > 0,
                     f"{what}: the ledger saw one ddreport exec'd, mapping memory and exiting",
                     json.dumps(procs)):
        return None
    root = roots[0]
    children = [p for p in procs if p["origin"] == "fork" and p["parent"] == root["pid"]]
    dac_children = [p for p in children if DAC in p["files"]]
    e2e.check(dac_children and all(p["exited"] for p in children),
              f"{what}: the ledger followed ddreport {root['pid']}'s forked DAC child(ren) "
              f"{[p['pid'] for p in dac_children]} from fork to exit, mapping {DAC}",
              json.dumps(procs))
    e2e.check(len(procs) == 1 + len(children),
              f"{what}: {len(procs)} process ledger(s): ddreport and its children only",
              json.dumps(procs))
    return root["pid"]


def check_ledger(checker, ledger, what, whose, select, json_path, **root):
    """The ledger of the processes `select` picks is complete, saw the DAC mapped, and has no
    munmap of memory they did not have mapped; their process tree is as `root` says."""
    rc, out, summary = run_checker(checker, ledger, select + ["--expect-mapped", DAC], json_path)
    print(f"{what}: " + out.strip().replace("\n", "\n  "), flush=True)
    e2e.check(rc == 0 and not summary["problems"],
              f"{what}: the ledger of {whose} is complete and has no bad munmap "
              f"(checker exit {rc})", out)
    check_tree(what, summary, **root)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--drive":
        return drive(sys.argv[2])
    if len(sys.argv) != 8:
        print(__doc__)
        return 2
    tfm = sys.argv[1]
    ddreport, ddquery, hook, build_sh, bt_script, checker = (os.path.realpath(p)
                                                             for p in sys.argv[2:8])
    out = e2e.test_apps_dir(build_sh)
    app_dir = os.path.join(out, "testapp", tfm)
    app = os.path.join(app_dir, e2e.APP)
    print(f"== mmap ledger on {tfm} ({app_dir})", flush=True)
    for f in (e2e.APP, "libcoreclr.so", DAC):
        if not os.path.isfile(os.path.join(app_dir, f)):
            e2e.fail(f"{os.path.join(app_dir, f)} is missing: run tests/dotnet/build.sh first")
            return 1
    if not e2e.check(shutil.which("bpftrace") is not None, "bpftrace is installed"):
        return 1
    if not e2e.ensure_tracefs():
        return 1
    e2e.check(os.path.exists("/sys/kernel/btf/vmlinux"),
              "kernel BTF is there (mmap_ledger.bt reads task and file structures)")
    work = os.path.realpath(tempfile.mkdtemp(prefix="ledger.",
                                             dir=os.environ.get("TEST_TMPDIR", "/tmp")))

    # The app's exit status at this crash without the hook.
    base = subprocess.run([app, "crash-worker"], env=e2e.clean_env(), stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL, timeout=60)
    base_status = base.returncode if base.returncode >= 0 else 128 - base.returncode

    plan_path = os.path.join(work, "plan.json")
    result_path = os.path.join(work, "result.json")
    with open(plan_path, "w") as f:
        json.dump({"work": work, "app": app, "ddreport": ddreport, "hook": hook,
                   "result": result_path}, f)
    me = os.path.abspath(__file__)
    command = f"{os.path.realpath(sys.executable)} {me} --drive {plan_path}"
    if any(" " in part for part in (sys.executable, me, plan_path)):
        e2e.fail(f"bpftrace -c cannot take paths with spaces: {command}")
        return 1
    ledger = os.path.join(work, "ledger.txt")
    start = time.monotonic()
    bt = subprocess.run(["bpftrace", "-o", ledger, "-c", command, bt_script],
                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=240)
    bt_out = bt.stdout.decode(errors="replace")
    print(f"bpftrace session: {time.monotonic() - start:.1f} s", flush=True)
    print("  " + bt_out.strip().replace("\n", "\n  "), flush=True)
    if not e2e.check(bt.returncode == 0 and os.path.exists(result_path),
                     f"bpftrace attached and ran the driver (bpftrace exit {bt.returncode})",
                     bt_out[-3000:]):
        return 1
    with open(result_path) as f:
        result = json.load(f)
    with open(ledger) as f:
        head = f.read(200)
    e2e.check("LEDGER-START" in head, "the ledger starts with LEDGER-START", head)

    # 1. The canary: a double unmap in a forked child, found by the same selection as a crash.
    canary = result["canary"]
    rc, out, summary = run_checker(checker, ledger, ["--ppid", str(canary["shell_pid"])],
                                   os.path.join(work, "canary.json"))
    print("canary: " + out.strip().replace("\n", "\n  "), flush=True)
    addr = canary["addr"] or -1
    want = f"DOUBLE UNMAP: munmap({addr:#x}, 0x2000) by pid {canary['child_pid']}"
    e2e.check(canary["rc"] == 0 and rc == 1 and any(p.startswith(want)
                                                    for p in summary["problems"]),
              f"the checker flags the canary child's double munmap at {addr:#x} (checker exit "
              f"{rc})", canary["output"] + out)
    e2e.check(len(summary["problems"]) == 1, "the canary's ledger has no other problem",
              json.dumps(summary["problems"]))

    # 2. The crash.
    crash = result["crash"]
    what = f"{tfm} crash-worker"
    e2e.check(crash["status"] == base_status == 134,
              f"{what}: exit status {crash['status']} with the hook under bpftrace = "
              f"{base_status} without", crash["stderr"])
    print(f"{what}: hooked run under bpftrace {crash['ms']:.0f} ms", flush=True)
    files = e2e.one_report(crash["report_dir"])
    if e2e.check(len(files) == 1, f"{what}: one report written", str(files) + crash["stderr"]):
        try:
            report = e2e.query_json(Plan(ddquery=ddquery), files[0])
            ct = e2e.thread_by_tid(report, report.get("crashingTid", 0))
            e2e.check(report.get("trigger") == "TRIGGER_CRASH" and ct is not None
                      and ct.get("name") == "ddcrash-crasher",
                      f"{what}: a crash report whose crashing thread is ddcrash-crasher")
            pe = pe_modules(report)
            e2e.check("System.Private.CoreLib.dll" in pe,
                      f"{what}: the report lists {len(pe)} PE modules (non-ELF executable "
                      "mappings), System.Private.CoreLib.dll among them", str(pe))
        except (RuntimeError, ValueError) as ex:
            e2e.fail(f"{what}: ddquery reads the report: {ex}")
    check_ledger(checker, ledger, what, "the app's ddreport", ["--ppid", str(crash["pid"])],
                 os.path.join(work, "crash.json"), root_parent=crash["pid"])

    # 3. The snapshot of the live app.
    live = result["live"]
    what = f"{tfm} live --pid"
    e2e.check(live["rc"] == 0, f"{what}: ddreport exit 0", live["stderr"])
    e2e.check(live["running"] and live["state"] is not None and live["state"][0] in "RS"
              and live["state"][1] == 0,
              f"{what}: app still running and untraced after the snapshot (state "
              f"{live['state']})")
    if os.path.exists(live["report"]):
        try:
            pe = pe_modules(e2e.query_json(Plan(ddquery=ddquery), live["report"]))
            e2e.check("System.Private.CoreLib.dll" in pe,
                      f"{what}: the report lists {len(pe)} PE modules, System.Private.CoreLib.dll "
                      "among them", str(pe))
        except (RuntimeError, ValueError) as ex:
            e2e.fail(f"{what}: ddquery reads the report: {ex}")
    else:
        e2e.fail(f"{what}: report written")
    check_ledger(checker, ledger, what, "ddreport --pid", ["--pid", str(live["ddreport_pid"])],
                 os.path.join(work, "live.json"), root_pid=live["ddreport_pid"])

    if e2e.failures:
        print(f"{e2e.failures} check(s) FAILED")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
