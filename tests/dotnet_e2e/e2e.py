#!/usr/bin/env python3
"""ddcrash end to end with real .NET runtimes (a Bazel py_test per suite and runtime).

Suites (one runtime each):
  live      ddreport --pid on `Ddcrash.TestApp live`: managed frames merged into native stacks,
            thread roles, runtime identity, exception in flight; the app keeps running.
  crash     every crash mode through LD_PRELOAD=libddhook.so against a baseline run without it:
            the classic ones (main/worker thread, inner exception, null reference, SIGSEGV in
            libc, abort, FailFast, stack overflow) and the matrix ones: crash-async (exception
            rethrown on a thread-pool worker), crash-threads (500 parked threads, every one in
            the report) and crash-gc (crash while allocator threads keep the GC busy). Each
            report is checked for the crashing thread, its exception/signal, named top native
            and managed frames, frames on every thread, the budget and exit status, and against
            the runtime's own createdump crash report of the same crash mode (passthrough run).
  oracle    the runtime's own createdump crash report (DOTNET_EnableCrashReportOnly, no hook)
            against our report of the same crash.
  degraded  no DAC / another runtime's DAC / DAC timeout: the report still lands, marked
            incomplete by the "dac" stage, and the app is unaffected.
Every check prints "ok:" or "FAIL:"; the exit status is 1 when any check failed.
"""
import argparse
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "native"))
import e2e_lib  # noqa: E402
import time

APP = "Ddcrash.TestApp"
NS = "Ddcrash.TestApp."

failures = 0


def ok(msg):
    print("ok: " + msg, flush=True)


def fail(msg):
    global failures
    failures += 1
    print("FAIL: " + msg, flush=True)


def check(cond, msg, detail=""):
    if cond:
        ok(msg)
    else:
        fail(msg + ((": " + detail) if detail else ""))
    return cond


class Env:
    def __init__(self, a):
        self.tfm = a.tfm
        self.out = a.out
        self.app_dir = os.path.join(a.out, "testapp", a.tfm)
        self.app = os.path.join(self.app_dir, APP)
        self.ddreport = a.ddreport
        self.ddquery = a.ddquery
        self.hook = a.hook
        self.work = a.workdir
        self.major = int(re.match(r"net(\d+)\.", a.tfm).group(1))
        self.seq = 0

    def newdir(self, tag):
        self.seq += 1
        d = os.path.join(self.work, "%02d-%s" % (self.seq, tag))
        os.makedirs(d)
        return d


def clean_env(**extra):
    """The environment for a test app: no dump or cDAC settings leak in from the caller."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DOTNET_", "COMPlus_", "DDCRASH_")) and k != "LD_PRELOAD"}
    env["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1"
    env.update({k: str(v) for k, v in extra.items()})
    return env


def hook_env(e, report_dir, **extra):
    return clean_env(LD_PRELOAD=e.hook, DDCRASH_REPORTER=e.ddreport,
                     DDCRASH_REPORT_DIR=report_dir, **extra)


def query_json(e, report):
    """ddquery --json of a report, its frames' modules resolved (e2e_lib)."""
    return e2e_lib.query_json(e.ddquery, report)


def run_app_timed(e, app, args, env, timeout=60):
    """Runs the app to completion; returns (exit status as the shell shows it, stderr, ms of the
    whole run, ms from the crash to the exit or None).

    Modes with a long setup print "ddcrash-test: crashing at monotonic ns T" just before their
    exception; the app's Stopwatch reads CLOCK_MONOTONIC like time.monotonic_ns(), so T times
    the crash alone."""
    start = time.monotonic_ns()
    p = subprocess.run([app] + args, env=env, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True, timeout=timeout)
    end = time.monotonic_ns()
    status = p.returncode if p.returncode >= 0 else 128 - p.returncode
    m = re.search(r"^ddcrash-test: crashing at monotonic ns (\d+)$", p.stderr, re.M)
    crash_ms = (end - int(m.group(1))) / 1e6 if m else None
    return status, p.stderr, (end - start) / 1e6, crash_ms


def run_app(e, app, args, env, timeout=60):
    """Runs the app to completion; returns (exit status as the shell shows it, stderr, ms)."""
    return run_app_timed(e, app, args, env, timeout)[:3]


class LiveApp:
    """`Ddcrash.TestApp live [N]`, started and waited on until it prints READY <pid>."""

    def __init__(self, app, args=("live",), env=None, timeout=60, user=None):
        """`user`: (uid, gid) to run the app as, with no supplementary groups."""
        def become_user():
            os.setgroups([])
            os.setresgid(user[1], user[1], user[1])
            os.setresuid(user[0], user[0], user[0])
        self.p = subprocess.Popen([app] + list(args), env=env or clean_env(),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  preexec_fn=become_user if user else None)
        deadline = time.monotonic() + timeout
        import select
        buf = ""
        while time.monotonic() < deadline:
            r, _, _ = select.select([self.p.stdout], [], [], 0.5)
            if r:
                line = self.p.stdout.readline()
                if not line:
                    break
                buf += line
                m = re.match(r"READY (\d+)", line)
                if m:
                    assert int(m.group(1)) == self.p.pid, buf
                    self.pid = self.p.pid
                    return
            if self.p.poll() is not None:
                break
        self.kill()
        raise RuntimeError("live app did not print READY: " + buf)

    def state(self):
        """(state letter, TracerPid) from /proc; None once gone."""
        try:
            with open("/proc/%d/status" % self.pid) as f:
                st = f.read()
        except OSError:
            return None
        state = re.search(r"^State:\s+(\S)", st, re.M).group(1)
        tracer = int(re.search(r"^TracerPid:\s+(\d+)", st, re.M).group(1))
        return state, tracer

    def check_running_then_term(self, what):
        """After a snapshot: the app must be running (not stopped, not traced), and SIGTERM must
        end it normally."""
        time.sleep(0.2)
        st = self.state()
        check(self.p.poll() is None and st is not None and st[0] in "RS" and st[1] == 0,
              "%s: app still running after the snapshot (state %s, TracerPid %s)"
              % (what, st and st[0], st and st[1]))
        self.p.send_signal(signal.SIGTERM)
        try:
            rc = self.p.wait(timeout=20)
            check(rc in (0, 143, -15), "%s: app ends normally on SIGTERM (exit %d)" % (what, rc))
        except subprocess.TimeoutExpired:
            fail("%s: app did not end within 20 s of SIGTERM" % what)
            self.kill()

    def kill(self):
        if self.p.poll() is None:
            self.p.kill()
        self.p.wait()


def ensure_tracefs():
    """bpftrace needs tracefs (mounted here if it is not); False, with a FAIL, when absent."""
    if not os.path.isdir("/sys/kernel/tracing/events/syscalls"):
        subprocess.run(["mount", "-t", "tracefs", "nodev", "/sys/kernel/tracing"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return check(os.path.isdir("/sys/kernel/tracing/events/syscalls/sys_enter_munmap"),
                 "tracefs mounted with the syscall tracepoints")


def snapshot(e, pid, out, **env):
    p = subprocess.run([e.ddreport, "--pid", str(pid), "-o", out],
                       env=clean_env(**env), capture_output=True, text=True, timeout=120)
    return p.returncode, p.stderr


# ---- report helpers -------------------------------------------------------------------------

def mname(f):
    return (f.get("managed") or {}).get("method", "")


def managed_methods(thread):
    return [mname(f) for f in thread["frames"] if f.get("kind") == "FRAME_KIND_MANAGED"]


def is_subsequence(needle, hay):
    it = iter(hay)
    return all(any(x == y for y in it) for x in needle)


def frame_pattern(f):
    """An expected managed frame as a predicate on managed.method, and its label: a compiled
    regex (full match), a "System." name as it is, or a name in the test app's namespace."""
    if isinstance(f, re.Pattern):
        return f.fullmatch, "/%s/" % f.pattern
    name = f if f.startswith("System.") else NS + f
    return (lambda m: m == name), f


def frames_in_order(expected, methods):
    """Every expected frame (see frame_pattern) appears in `methods` in this order."""
    it = iter(methods)
    return all(any(pred(m) for m in it) for pred, _ in map(frame_pattern, expected))


def thread_by_tid(r, tid):
    for t in r["threads"]:
        if int(t["tid"]) == int(tid):
            return t
    return None


def describe(thread):
    return " | ".join("%s:%s" % (f.get("kind", "")[11:], f.get("function") or
                                 os.path.basename(f.get("module", "?")))
                      for f in thread["frames"])


def check_sp_monotonic(thread, what, min_frames=2):
    """Frames are listed innermost first; on one stack their sp never decreases."""
    sps = [int(f["sp"]) for f in thread["frames"]
           if f.get("kind") in ("FRAME_KIND_NATIVE", "FRAME_KIND_MANAGED") and "sp" in f]
    bad = [i for i in range(1, len(sps)) if sps[i] < sps[i - 1]]
    check(not bad and len(sps) >= min_frames, "%s: sp non-decreasing over %d native+managed frames"
          % (what, len(sps)), "decreases at %s; stack %s; thread error %r" % (
              bad, describe(thread), thread.get("error")))


def one_report(report_dir):
    files = sorted(glob.glob(os.path.join(report_dir, "ddcrash.*.pb")))
    return files


def dac_reason(r):
    reasons = (r.get("diagnostics") or {}).get("incompleteReasons") or []
    return [x.get("reason", "") for x in reasons if x.get("stage") == "dac"]


# ---- live -----------------------------------------------------------------------------------

def suite_live(e):
    d = e.newdir("live")
    app = LiveApp(e.app)
    try:
        out = os.path.join(d, "live.pb")
        rc, err = snapshot(e, app.pid, out)
        # Exit 0 = report written and complete. Every stage (attach, unwind, dac, detach) must
        # succeed on a healthy parked app, so 1 (incomplete) would be a regression here.
        check(rc == 0, "ddreport --pid exits 0 (complete report)", "exit %d: %s" % (rc, err))
        r = query_json(e, out)
        check(r.get("trigger") == "TRIGGER_SNAPSHOT", "trigger is TRIGGER_SNAPSHOT")
        check(not r["diagnostics"].get("incomplete"), "diagnostics.incomplete is false",
              json.dumps(r["diagnostics"].get("incompleteReasons")))
        rt = r["process"].get("runtime") or {}
        ver = rt.get("version", "")
        check(ver.split(".")[0] == str(e.major), "runtime.version %s has major %d" % (ver, e.major))
        check(rt.get("flavor") == "RUNTIME_FLAVOR_CORECLR", "runtime.flavor CORECLR")
        check(rt.get("dacPath") == os.path.join(e.app_dir, "libmscordaccore.so"),
              "runtime.dacPath is the DAC beside libcoreclr.so", rt.get("dacPath", "(unset)"))
        stages = [s["stage"] for s in r["diagnostics"].get("stages", [])]
        check("dac" in stages, "diagnostics.stages has a dac stage", str(stages))

        threads = r["threads"]
        by_name = {}
        for t in threads:
            by_name.setdefault(t.get("name", ""), []).append(t)
            # The reporter thread prints READY and only then sleeps, so it may be caught
            # anywhere (once seen with a 1-frame stack); every other thread is parked.
            check_sp_monotonic(t, "thread %s %r" % (t["tid"], t.get("name")),
                               1 if t.get("name") == "ddcrash-reporte" else 2)

        # Workers: "ddcrash-worker-N" (OS names are cut to 15 bytes: "ddcrash-worker-").
        workers = by_name.get("ddcrash-worker-", [])
        check(len(workers) == 3, "3 worker threads", "found %d" % len(workers))
        for w in workers:
            what = "worker %s" % w["tid"]
            fr = w["frames"]
            idx = {mname(f): i for i, f in reversed(list(enumerate(fr)))
                   if f.get("kind") == "FRAME_KIND_MANAGED"}
            park = idx.get(NS + "Parker.ParkHere")
            run = idx.get(NS + "Worker.Run")
            if not check(park is not None and run is not None and park < run,
                         what + ": Parker.ParkHere above Worker.Run as FRAME_KIND_MANAGED",
                         describe(w)):
                continue
            between = [f for f in fr[park + 1:run]]
            check(not between, what + ": Worker.Run is ParkHere's direct caller", describe(w))
            check(fr[park].get("function", "").startswith(NS + "Parker.ParkHere(")
                  and fr[park]["managed"].get("type") == NS + "Parker"
                  and fr[park]["managed"].get("modulePath", "").endswith("Ddcrash.TestApp.dll"),
                  what + ": ParkHere frame has function, type and module path")
            above_native = [f for f in fr[:park] if f.get("kind") == "FRAME_KIND_NATIVE"]
            check(above_native and any(re.search(r"libc\.so|libcoreclr\.so", f.get("module", ""))
                                       for f in above_native)
                  and fr[0].get("kind") == "FRAME_KIND_NATIVE"
                  and "libc.so" in fr[0].get("module", ""),
                  what + ": innermost frame native in libc, native libc/libcoreclr frames above "
                  "ParkHere", describe(w))
            below_native = [f for f in fr[run + 1:] if f.get("kind") == "FRAME_KIND_NATIVE"]
            check(len(below_native) >= 2 and any(f.get("function") == "start_thread"
                                                 for f in below_native),
                  what + ": native frames below Worker.Run down to start_thread", describe(w))
            check(int(w.get("managedId", 0)) > 0, what + ": managedId set")

        main = [t for t in threads if int(t["tid"]) == r["process"]["pid"]
                or str(t["tid"]) == str(r["process"]["pid"])]
        if check(len(main) == 1, "main thread (tid == pid) present"):
            m = main[0]
            mm = [x for x in managed_methods(m) if x.startswith(NS)]
            want = [NS + "Parker.ParkHere", NS + "Parker.ParkMain", NS + "Program.RunLive",
                    NS + "Program.Main"]
            check(mm == want, "main thread: ParkHere -> ParkMain -> RunLive -> Main",
                  str(mm))
            check(int(m.get("managedId", 0)) > 0, "main thread: managedId set")
            check("THREAD_ROLE_MAIN" in (m.get("roles") or []), "main thread: role MAIN")
        fin = [t for t in threads if "THREAD_ROLE_FINALIZER" in (t.get("roles") or [])]
        check(len(fin) == 1, "one finalizer-role thread", str([t.get("name") for t in fin]))

        thrower = by_name.get("ddcrash-thrower", [])
        if check(len(thrower) == 1, "thrower thread present"):
            ex = thrower[0].get("exception") or {}
            check(ex.get("type") == "System.InvalidOperationException"
                  and ex.get("message") == "ddcrash test: in flight",
                  "thrower: exception in flight InvalidOperationException 'ddcrash test: in "
                  "flight'", json.dumps(ex))
            tm = managed_methods(thrower[0])
            check(is_subsequence([NS + "Parker.ParkHere", NS + "Parker.ParkInFilter",
                                  NS + "Thrower.Run", NS + "Thrower.ThrowInFlight",
                                  NS + "Thrower.Run"], tm),
                  "thrower: filter frames above the throwing frames", str(tm))
        names = {t.get("name") for t in threads}
        check({".NET Finalizer", "ddcrash-reporte", APP} <= names,
              "named threads present", str(sorted(names)))
        ntask = len(os.listdir("/proc/%d/task" % app.pid))
        check(len(threads) == ntask, "every thread captured (%d, /proc says %d)"
              % (len(threads), ntask))
        gc_names = (".NET Server GC", ".NET BGC")
        check(all("THREAD_ROLE_GC" in (t.get("roles") or []) for t in threads
                  if t.get("name") in gc_names), "workstation GC: every GC thread has role GC")
        app.check_running_then_term("live")
    finally:
        app.kill()
    suite_live_server_gc(e, d)


def suite_live_server_gc(e, d):
    """Server GC: its threads have no managed Thread; each still carries THREAD_ROLE_GC."""
    app = LiveApp(e.app, env=clean_env(DOTNET_gcServer=1, DOTNET_GCHeapCount=2))
    try:
        out = os.path.join(d, "live-server-gc.pb")
        rc, err = snapshot(e, app.pid, out)
        check(rc == 0, "server GC: ddreport --pid exits 0", "exit %d: %s" % (rc, err))
        threads = query_json(e, out)["threads"]
        gc = [t for t in threads if t.get("name") == ".NET Server GC"]
        check(len(gc) == 2, "server GC: 2 '.NET Server GC' threads (DOTNET_GCHeapCount=2)",
              str(sorted(t.get("name", "") for t in threads)))
        check(all("THREAD_ROLE_GC" in (t.get("roles") or []) for t in threads
                  if t.get("name") in (".NET Server GC", ".NET BGC")),
              "server GC: every GC thread has role GC",
              str([(t.get("name"), t.get("roles")) for t in gc]))
        app.check_running_then_term("live server GC")
    finally:
        app.kill()


# ---- crash ----------------------------------------------------------------------------------

PARKED = 500  # crash-threads: parked threads

# mode -> expectations on the hooked report:
#   signal, thread ("main" or the crashing thread's OS name), exc (type, message or None) or
#   None, inner, inner_exceptions (an aggregate's, in order), runtime_line (the exception's
#   type and message are the runtime's own "Unhandled exception." line on stderr), frames (the crashing thread's managed frames in call order, see
#   frame_pattern), and optionally frames_exact_tail (from the first of them down, the managed
#   frames are exactly these), args (more app arguments), roles (the crashing thread's),
#   no_app_frames (no test-app frame on the crashing thread), threads (other threads that must
#   be present: by OS names or main=True, each with the given managed frames in order, and
#   with callee=(A, B): A the managed frame right above B unless B is the innermost one),
#   passthrough_args (app arguments for the createdump passthrough run instead of args),
#   passthrough_min_threads (threads createdump must see at least), passthrough_timeout_ms
#   (DDCRASH_TIMEOUT_MS for the passthrough run).
def crash_expectations(major):
    ioe = "System.InvalidOperationException"
    return {
        "crash-main": dict(signal=6, thread="main", exc=(ioe, "ddcrash test: main thread"),
                           frames=["Crasher.Level2", "Crasher.Level1", "Crasher.ThrowOnMain",
                                   "Program.Main"]),
        "crash-worker": dict(signal=6, thread="ddcrash-crasher",
                             exc=(ioe, "ddcrash test: worker thread"),
                             frames=["Crasher.Level2", "Crasher.Level1",
                                     "Crasher+<>c.<ThrowOnWorker>b__3_0"]),
        "crash-inner": dict(signal=6, thread="main",
                            exc=("System.ApplicationException", "ddcrash test: outer"),
                            inner=(ioe, "ddcrash test: inner"),
                            runtime_line=True,
                            frames=["Crasher.ThrowWithInner", "Program.Main"]),
        "crash-aggregate": dict(signal=6, thread="main",
                                exc=("System.AggregateException",
                                     "One or more errors occurred. (ddcrash test: first fault) "
                                     "(ddcrash test: second fault (Parameter 'len'))"),
                                inner=(ioe, "ddcrash test: first fault"),
                                inner_exceptions=[(ioe, "ddcrash test: first fault"),
                                                  ("System.ArgumentException",
                                                   "ddcrash test: second fault (Parameter 'len')")],
                                runtime_line=True,
                                frames=["Crasher.TwoFaults", "Program.Main"]),
        "crash-nullref": dict(signal=6, thread="main",
                              exc=("System.NullReferenceException",
                                   "Object reference not set to an instance of an object."),
                              frames=["Crasher.NullReference", "Program.Main"]),
        "crash-sigsegv": dict(signal=11, thread="main", exc=None,
                              frames=["Native.SegfaultInLibc", "Program.Main"]),
        "crash-abort": dict(signal=6, thread="main", exc=None,
                            frames=["Native.Abort", "Program.Main"]),
        # Environment.FailFast: the runtime reports its ExecutionEngineException (no message).
        "crash-failfast": dict(signal=6, thread="main",
                               exc=("System.ExecutionEngineException", None),
                               frames=["Crasher.FailFast", "Program.Main"]),
        "crash-stackoverflow": dict(signal=6, thread="main",
                                    exc=("System.StackOverflowException", None),
                                    frames=["Crasher.Recurse"] * 50),
        # async void + Task.Yield: the method's exception is rethrown by a thread-pool work
        # item (ExceptionDispatchInfo.Throw from the builder's ThrowAsync lambda), so the
        # crashing thread is a pool worker whose stack is the pool's dispatch loop; the
        # original throw site (AsyncCrasher.Level1 in MoveNext) is on no stack any more. The
        # stack from EDI.Throw down was identical in 70 reports per runtime: EDI.Throw ->
        # Task+<>c.<ThrowAsync>b__128_1 (b__124_1 on 10) -> ThreadPoolWorkQueue.Dispatch ->
        # PortableThreadPool+WorkerThread.WorkerThreadStart, then Thread.StartCallback on 10
        # only; no QueueUserWorkItemCallback frame. So that whole tail is asserted exactly
        # (above EDI.Throw .NET 9 adds its managed EH frames, EH.RhThrowEx -> EH.DispatchEx).
        "crash-async": dict(signal=6, thread=".NET TP Worker",
                            roles=["THREAD_ROLE_THREADPOOL_WORKER"],
                            exc=(ioe, "ddcrash test: async"),
                            frames=["System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw",
                                    re.compile(r"System\.Threading\.Tasks\.Task\+<>c\."
                                               r"<ThrowAsync>b__\d+_\d+"),
                                    "System.Threading.ThreadPoolWorkQueue.Dispatch",
                                    "System.Threading.PortableThreadPool+WorkerThread."
                                    "WorkerThreadStart"]
                            + (["System.Threading.Thread.StartCallback"] if major >= 10 else []),
                            frames_exact_tail=True, no_app_frames=True,
                            threads=[dict(label="main thread", main=True,
                                          frames=["AsyncCrasher.Run", "Program.Main"])]),
        # 500 threads parked in Monitor.Wait (all confirmed parked by the app), then a crash on
        # main: every one of them must be in the report, parked where the app parked it (the
        # app made and parked them before crashing, so that check alone proves none is
        # missing). createdump's own crash report is slow with many threads (about 20 ms per
        # thread: 10-17 s for 500 here, up to 60 s on a loaded 2-core machine), so the
        # passthrough comparison crashes with 100 parked threads (2.5 s) and a budget raised
        # from the default 5 s that the passthrough createdump shares.
        "crash-threads": dict(signal=6, thread="main", args=[str(PARKED)],
                              exc=(ioe, "ddcrash test: %d threads parked" % PARKED),
                              frames=["ManyThreads.Throw", "ManyThreads.ParkThenThrow",
                                      "Program.Main"],
                              threads=[dict(label="parked threads",
                                            names=["ddcrash-pk-%d" % n
                                                   for n in range(1, PARKED + 1)],
                                            frames=["Parker.ParkHere", "Worker.Run"])],
                              passthrough_args=["100"], passthrough_min_threads=100,
                              passthrough_timeout_ms=30000),
        # Crash while 4 threads allocate without pause, 2 of them inducing collections: a GC
        # is in progress at the crash in most runs (an allocator or ".NET BGC" has the GC role)
        # and the allocators are stopped mid-allocation (HelperMethodFrame/DynamicHelperFrame
        # above Churn), in GC.Collect (InlinedCallFrame), running JIT code, or held by a GC
        # hijack. The DAC walked every allocator in every one of 348 reports (118 on .NET 8,
        # 118 on 9, 112 on 10), the thread running the GC included: Run -> the thread's start
        # lambda always, with Churn right above Run except twice on .NET 10, where the thread
        # sat in a return-address hijack ([HijackFrame]) after Churn had returned, so Run was
        # rightly its innermost managed frame. That is what is asserted, not merely "has frames".
        "crash-gc": dict(signal=6, thread="main", exc=(ioe, "ddcrash test: crash during GC"),
                         frames=["Allocator.Throw", "Allocator.ThrowWhileAllocating",
                                 "Program.Main"],
                         threads=[dict(label="allocator threads",
                                       names=["ddcrash-alloc-%d" % n for n in range(1, 5)],
                                       frames=["Allocator.Run", re.compile(
                                           re.escape(NS) + r"Allocator\+<>c__DisplayClass\d+_\d+"
                                           r"\.<ThrowWhileAllocating>b__\d+")],
                                       callee=("Allocator.Churn", "Allocator.Run"))]),
    }


def crashreport_json(dump_dir):
    files = glob.glob(os.path.join(dump_dir, "*.crashreport.json"))
    if len(files) != 1:
        return None
    with open(files[0]) as f:
        return json.load(f)


def oracle_crashed_thread(cr):
    for t in cr["payload"]["threads"]:
        if t.get("crashed") == "true":
            return t
    return None


def check_thread_group(r, group, what):
    """Threads other than the crashing one that the mode creates: every one present (by OS
    name, each name once, or the main thread) with the group's managed frames in order."""
    label = what + ": " + group["label"]
    if group.get("main"):
        found = [t for t in r["threads"] if int(t["tid"]) == int(r["process"]["pid"])]
        want = 1
    else:
        names = group["names"]
        found = [t for t in r["threads"] if t.get("name") in set(names)]
        want = len(names)
        seen = sorted(t.get("name") for t in found)
        dup = sorted({n for n in seen if seen.count(n) > 1})
        missing = sorted(set(names) - set(seen))
        check(not dup and not missing, label + ": all %d present, each once" % want,
              "missing %d %s; duplicated %s" % (len(missing), missing[:10], dup[:10]))
    labels = [frame_pattern(f)[1] for f in group["frames"]]
    bad = [t for t in found if not frames_in_order(group["frames"], managed_methods(t))]
    check(len(found) == want and not bad, label + ": %d/%d found, each with managed frames %s"
          % (len(found) - len(bad), want, " -> ".join(labels)),
          "; ".join("%s %r: %s" % (t["tid"], t.get("name"), describe(t)) for t in bad[:3]))
    if "callee" in group:
        callee, caller = (NS + f for f in group["callee"])
        bad = []
        for t in found:
            mm = managed_methods(t)
            i = mm.index(caller) if caller in mm else -1
            if i < 0 or (i > 0 and mm[i - 1] != callee):
                bad.append(t)
        check(not bad, label + ": %s right above %s, or %s innermost" % (
            group["callee"][0], group["callee"][1], group["callee"][1]),
              "; ".join("%s %r: %s" % (t["tid"], t.get("name"), describe(t)) for t in bad[:3]))


def check_crash_report(e, mode, exp, r, what, timeout_ms):
    pid = int(r["process"]["pid"])
    check(r.get("trigger") == "TRIGGER_CRASH", what + ": trigger CRASH")
    sig = (r.get("signal") or {}).get("number")
    check(sig == exp["signal"], what + ": signal %s" % exp["signal"], "got %s" % sig)
    ctid = int(r.get("crashingTid", 0))
    ct = thread_by_tid(r, ctid)
    if not check(ct is not None and ct.get("crashed"), what + ": crashingTid %d is a thread "
                 "marked crashed" % ctid):
        return None
    crashed = [t["tid"] for t in r["threads"] if t.get("crashed")]
    check(len(crashed) == 1, what + ": exactly one crashed thread", str(crashed))
    if exp["thread"] == "main":
        check(ctid == pid, what + ": crashing thread is the main thread", "%d != %d" % (ctid, pid))
    else:
        check(ctid != pid and ct.get("name") == exp["thread"],
              what + ": crashing thread is %r" % exp["thread"], "%d %r" % (ctid, ct.get("name")))
    ex = r.get("exception")
    if exp["exc"] is None:
        check(not ex, what + ": no managed exception", json.dumps(ex))
    else:
        etype, emsg = exp["exc"]
        ex = ex or {}
        check(ex.get("type") == etype, what + ": exception.type " + etype, json.dumps(ex))
        if emsg is not None:
            check(ex.get("message") == emsg, what + ": exception.message %r" % emsg,
                  repr(ex.get("message")))
        check(int(ex.get("tid", ctid)) == ctid, what + ": exception on the crashing thread")
        if "inner" in exp:
            inner = ex.get("inner") or {}
            check((inner.get("type"), inner.get("message")) == exp["inner"],
                  what + ": inner exception %s %r" % exp["inner"], json.dumps(inner))
        if "inner_exceptions" in exp:
            got = [(i.get("type"), i.get("message")) for i in ex.get("innerExceptions") or []]
            check(got == exp["inner_exceptions"] and not ex.get("innerExceptionsOmitted"),
                  what + ": every inner exception, in order: %s" % exp["inner_exceptions"],
                  json.dumps(ex.get("innerExceptions")))
    if "roles" in exp:
        check(set(exp["roles"]) <= set(ct.get("roles") or []),
              what + ": crashing thread has role(s) " + ", ".join(exp["roles"]),
              str(ct.get("roles")))
    fr = ct.get("frames") or []
    # Frame 0 is where the crashing thread waits for the reporter: wait4 in libc, or _Fork
    # when it had not yet returned from forking it, or (seen once, .NET 10 crash-gc)
    # __restore_rt, back from a signal handler that interrupted wait4. It must be named.
    f0 = fr[0] if fr else {}
    check(bool(f0.get("function")) and bool(f0.get("module")),
          what + ": crashing thread's frame 0 named (%s %s in %s)" % (
              f0.get("kind", "")[11:], f0.get("function"), os.path.basename(f0.get("module", ""))),
          describe(ct))
    top = next((f for f in fr if f.get("kind") == "FRAME_KIND_MANAGED"), {})
    check(bool(mname(top)) and bool(top.get("function")) and bool(top.get("module")),
          what + ": crashing thread's top managed frame named (%s in %s)" % (
              mname(top), os.path.basename(top.get("module", ""))), describe(ct))
    mm = managed_methods(ct)
    labels = [frame_pattern(f)[1] for f in exp["frames"]]
    check(frames_in_order(exp["frames"], mm), what + ": crashing thread's managed frames in "
          "call order: " + " -> ".join(labels[:5]) + ("..." if len(labels) > 5 else ""),
          str(mm[:12]))
    if exp.get("frames_exact_tail"):
        first = frame_pattern(exp["frames"][0])[0]
        i = next((i for i, m in enumerate(mm) if first(m)), len(mm))
        tail = mm[i:]
        check(len(tail) == len(exp["frames"]) and frames_in_order(exp["frames"], tail),
              what + ": crashing thread's managed frames from %s down are exactly these %d"
              % (labels[0], len(labels)), str(tail))
    if exp.get("no_app_frames"):
        app_frames = [m for m in mm if m.startswith(NS)]
        check(not app_frames, what + ": no test-app frame on the crashing thread (the original "
              "throw site is gone)", str(app_frames))
    for group in exp.get("threads", []):
        check_thread_group(r, group, what)
    if mode == "crash-sigsegv":
        fr = ct["frames"]
        tr = [i for i, f in enumerate(fr) if f.get("kind") == "FRAME_KIND_SIGNAL_TRAMPOLINE"]
        nxt = fr[tr[0] + 1] if tr and tr[0] + 1 < len(fr) else {}
        check(bool(tr) and "memset" in nxt.get("function", "")
              and nxt.get("module", "").endswith("libc.so.6"),
              what + ": the frame after the signal trampoline is libc's memset", describe(ct))
        # memset(0x10, 0, 64): which byte of the range faults first depends on the memset
        # variant glibc picks for the CPU (the AVX2 one stores the tail first).
        fault = int(r["signal"].get("faultAddress", 0))
        check(r["signal"].get("codeName") == "SEGV_MAPERR" and 16 <= fault < 16 + 64,
              what + ": SEGV_MAPERR inside memset's range [0x10, 0x50)", "at 0x%x" % fault)
    if mode == "crash-abort":
        fr = ct["frames"]
        check(any(f.get("function") == "abort" for f in fr), what + ": libc abort on the stack")
    # A thread that exits while being stopped is legitimately frameless when the report says
    # so (seen on stack overflow: a short-lived runtime thread); anything else is a failure.
    attach = " ".join(x.get("reason", "") for x in r["diagnostics"].get("incompleteReasons", [])
                      if x.get("stage") == "attach")
    exited = [t for t in r["threads"] if not t.get("frames") and "exited" in t.get("error", "")
              and str(t["tid"]) in attach]
    if exited:
        print("note: %s: %d thread(s) exited during capture, reported as such: %s"
              % (what, len(exited), attach))
    empty = [t for t in r["threads"] if not t.get("frames") and t not in exited]
    check(not empty, what + ": every thread has frames (or is reported as exited)",
          json.dumps([{k: v for k, v in t.items() if k != "registers"} for t in empty])
          + " diagnostics " + json.dumps({k: v for k, v in r["diagnostics"].items()
                                          if k in ("incompleteReasons", "errors")}))
    total_ms = int(r["diagnostics"].get("totalDurationNanos", 0)) / 1e6
    check(0 < total_ms < timeout_ms, what + ": reporter total %.0f ms < %d ms"
          % (total_ms, timeout_ms))
    return ct


def suite_crash(e):
    timeout_ms = 5000  # DDCRASH_TIMEOUT_MS default; clean_env() drops any DDCRASH_ override
    for mode, exp in crash_expectations(e.major).items():
        what = "%s %s" % (e.tfm, mode)
        argv = [mode] + exp.get("args", [])
        base_status, base_err, base_ms, base_crash_ms = run_app_timed(e, e.app, argv,
                                                                      clean_env())
        d = e.newdir(mode)
        status, err, ms, crash_ms = run_app_timed(e, e.app, argv, hook_env(e, d))
        check(status == base_status and status in (134, 139),
              what + ": exit status %d with the hook = %d without" % (status, base_status))
        if crash_ms is None:
            check(ms < timeout_ms, what + ": hooked run %.0f ms < DDCRASH_TIMEOUT_MS %d "
                  "(baseline %.0f ms)" % (ms, timeout_ms, base_ms))
        else:
            # The app stamped the moment of its crash: time the crash, not the setup.
            check(crash_ms < timeout_ms, what + ": hooked run from the crash to exit %.0f ms < "
                  "DDCRASH_TIMEOUT_MS %d (whole run %.0f ms; baseline %.0f ms, %.0f from the "
                  "crash)" % (crash_ms, timeout_ms, ms, base_ms, base_crash_ms or -1))
        files = one_report(d)
        if not check(len(files) == 1, what + ": one report written", str(files) + err[-2000:]):
            continue
        line = [l for l in err.splitlines() if l.startswith("ddcrash: ")]
        # The line ends with the report path, plus " (incomplete)" for an incomplete report.
        check(len(line) == 1 and re.search(re.escape("; report: " + files[0])
                                           + r"( \(incomplete\))?$", line[0])
              and " crashed: " in line[0], what + ": one 'ddcrash: ... crashed: ...; report:' "
              "line on stderr", "\n".join(line) or err[-1500:])
        r = query_json(e, files[0])
        ct = check_crash_report(e, mode, exp, r, what, timeout_ms)
        if exp.get("runtime_line"):
            ex = r.get("exception") or {}
            ours = "Unhandled exception. %s: %s" % (ex.get("type"), ex.get("message"))
            theirs = [l for l in base_err.splitlines() if l.startswith("Unhandled exception. ")]
            check(theirs == [ours], what + ": the runtime's 'Unhandled exception.' line is "
                  "the report's exception type and message", "%r vs %r" % (theirs, ours))
        if r["diagnostics"].get("incomplete"):
            # Not a failure by itself (the checks above say what matters); printed so that a
            # failing check can be diagnosed.
            print("note: %s: report incomplete: %s; errors %s" % (
                what, json.dumps(r["diagnostics"].get("incompleteReasons")),
                json.dumps(r["diagnostics"].get("errors"))))

        # Same crash with the user's own crash report enabled: the hook passes it through, so
        # the runtime's createdump describes the very process we reported (every thread).
        d2 = e.newdir(mode + "-passthrough")
        budget = {}
        if "passthrough_timeout_ms" in exp:
            budget["DDCRASH_TIMEOUT_MS"] = exp["passthrough_timeout_ms"]
        argv2 = [mode] + exp.get("passthrough_args", exp.get("args", []))
        status2, err2, ms2 = run_app(e, e.app, argv2, hook_env(
            e, d2, DOTNET_DbgEnableMiniDump=1, DOTNET_EnableCrashReportOnly=1,
            DOTNET_DbgMiniDumpName=os.path.join(d2, "dump.%p"), **budget), timeout=120)
        if budget:
            print("note: %s: passthrough run (%s) with DDCRASH_TIMEOUT_MS=%s took %.0f ms"
                  % (what, " ".join(argv2), budget["DDCRASH_TIMEOUT_MS"], ms2))
        cr = crashreport_json(d2)
        files2 = one_report(d2)
        if mode == "crash-stackoverflow" and cr is None:
            # The runtime's createdump needs several seconds for the ~25000-frame stack (11.6 s
            # alone on .NET 9 here), and ddreport bounds the passthrough createdump by
            # DDCRASH_TIMEOUT_MS too: it stops it and says so. Assert that documented outcome.
            check(len(files2) == 1 and status2 == base_status
                  and "createdump did not finish within DDCRASH_TIMEOUT_MS" in err2,
                  what + ": passthrough: our report lands, same exit; createdump stopped at "
                  "DDCRASH_TIMEOUT_MS (said on stderr)", err2[-800:])
            continue
        if not check(cr is not None and len(files2) == 1 and status2 == base_status,
                     what + ": passthrough run: report + createdump crash report, same exit",
                     "exit %d, %s %s" % (status2, files2, os.listdir(d2))):
            continue
        r2 = query_json(e, files2[0])
        ours = sorted(int(t["tid"]) for t in r2["threads"])
        theirs = sorted(int(t["native_thread_id"], 16) for t in cr["payload"]["threads"])
        check(set(theirs) <= set(ours), what + ": every thread createdump saw is in our report "
              "(%d ours, %d createdump)" % (len(ours), len(theirs)),
              "missing %s" % sorted(set(theirs) - set(ours)))
        if "passthrough_min_threads" in exp:
            check(len(theirs) >= exp["passthrough_min_threads"], what + ": createdump saw at "
                  "least %d threads" % exp["passthrough_min_threads"], str(len(theirs)))
        oc = oracle_crashed_thread(cr)
        check(oc is not None and int(oc["native_thread_id"], 16) == int(r2["crashingTid"]),
              what + ": same crashing thread as createdump")
        if exp["exc"] is not None and oc is not None:
            check((r2.get("exception") or {}).get("type") == oc.get("managed_exception_type"),
                  what + ": same exception type as createdump (%s)"
                  % oc.get("managed_exception_type"))


# ---- oracle ---------------------------------------------------------------------------------

def normalise(name):
    """Method identity for comparing createdump's names with ours.

    createdump prints "Ns.Type+Nested.Method(Param.Types)"; our managed.method is the DAC's
    "Ns.Type+Nested.Method" without parameters. Both may spell generics differently (`1,
    [[...]], <T>). So: drop everything from the first "(" (the parameter list), drop generic
    argument lists/arity suffixes, then keep (last segment of the type, method name), where the
    method name is the text after the last "." (".ctor"/".cctor" kept whole). Overloads of one
    method collapse together, which an order check over a single stack tolerates."""
    n = name.split("(", 1)[0]
    n = re.sub(r"\[\[.*\]\]|`\d+", "", n)
    m = re.match(r"^(.*)\.(\.c?ctor)$", n)
    if m:
        typ, meth = m.group(1), m.group(2)
    else:
        typ, _, meth = n.rpartition(".")
    meth = re.sub(r"<[^<>]*>$", "", meth) if not meth.startswith("<") else meth
    typ_last = re.split(r"[.]", typ)[-1] if typ else ""
    return (typ_last, meth)


def suite_oracle(e):
    modes = ["crash-main", "crash-worker", "crash-inner", "crash-nullref", "crash-failfast",
             "crash-sigsegv", "crash-abort"]
    total = 0
    for mode in modes:
        what = "%s %s oracle" % (e.tfm, mode)
        d = e.newdir(mode + "-createdump")
        o_status, _, _ = run_app(e, e.app, [mode], clean_env(
            DOTNET_DbgEnableMiniDump=1, DOTNET_EnableCrashReportOnly=1,
            DOTNET_DbgMiniDumpName=os.path.join(d, "dump.%p")))
        cr = crashreport_json(d)
        if not check(cr is not None, what + ": createdump wrote its crash report",
                     str(os.listdir(d))):
            continue
        oc = oracle_crashed_thread(cr)
        if not check(oc is not None, what + ": createdump names a crashed thread"):
            continue
        theirs = [normalise(f["method_name"]) for f in oc.get("stack_frames", [])
                  if f.get("is_managed") == "true" and f.get("method_name")]
        d2 = e.newdir(mode + "-ours")
        status, _, _ = run_app(e, e.app, [mode], hook_env(e, d2))
        check(status == o_status, what + ": same exit status (%d)" % status)
        files = one_report(d2)
        if not check(len(files) == 1, what + ": our report written"):
            continue
        r = query_json(e, files[0])
        ct = thread_by_tid(r, r.get("crashingTid", 0))
        if not check(ct is not None, what + ": our crashing thread present"):
            continue
        ours = [normalise(m) for m in managed_methods(ct)]
        check(len(theirs) >= 1, what + ": createdump lists %d managed frames" % len(theirs))
        matched = is_subsequence(theirs, ours)
        check(matched, what + ": all %d createdump managed frames appear in ours in the same "
              "order" % len(theirs), "createdump %s\nours %s" % (theirs, ours))
        if matched:
            total += len(theirs)
        if oc.get("managed_exception_type"):
            check((r.get("exception") or {}).get("type") == oc["managed_exception_type"],
                  what + ": exception type %s as createdump" % oc["managed_exception_type"])
    print("oracle: %d managed frames matched in order across %d crashes" % (total, len(modes)))


# ---- degraded DAC ---------------------------------------------------------------------------

def check_degraded(r, what, reason_re, crash):
    check(r["diagnostics"].get("incomplete") is True, what + ": diagnostics.incomplete")
    reasons = dac_reason(r)
    check(any(re.search(reason_re, x) for x in reasons),
          what + ": dac stage reason matches /%s/" % reason_re, str(reasons))
    threads = r["threads"]
    empty = [t["tid"] for t in threads if not t.get("frames")]
    check(len(threads) >= 8 and not empty, what + ": native stacks for all %d threads"
          % len(threads), "empty %s" % empty)
    named = [f for t in threads for f in t["frames"] if (f.get("managed") or {}).get("method")]
    check(not named, what + ": no DAC-named frames", str(len(named)))
    libc = sum(1 for t in threads for f in t["frames"]
               if f.get("function") == "start_thread" and f.get("module", "").endswith("libc.so.6"))
    check(libc >= len(threads) - 2, what + ": native unwinding reaches start_thread (%d threads)"
          % libc)
    if crash:
        ct = thread_by_tid(r, r.get("crashingTid", 0))
        check(ct is not None and ct.get("crashed"), what + ": crashing thread still identified")


def suite_degraded(e):
    other = {8: "net9.0", 9: "net8.0", 10: "net8.0"}[e.major]
    other_dac = os.path.join(e.out, "testapp", other, "libmscordaccore.so")
    if not check(os.path.isfile(other_dac), "other runtime's DAC exists: " + other_dac):
        return
    # (a) an app copy without its DAC.
    nodac = os.path.join(e.work, "nodac")
    shutil.copytree(e.app_dir, nodac, symlinks=True)
    os.remove(os.path.join(nodac, "libmscordaccore.so"))
    cases = [
        ("no DAC", os.path.join(nodac, APP), {}, r"libmscordaccore\.so"),
        ("mismatched DAC (%s)" % other, e.app, {"DDCRASH_DAC_PATH": other_dac},
         r"does not match"),
        ("DAC timeout 1 ms", e.app, {"DDCRASH_DAC_TIMEOUT_MS": "1"},
         r"did not finish within 1ms.*killed"),
    ]
    base_status, _, _ = run_app(e, e.app, ["crash-worker"], clean_env())
    for label, app_path, extra, reason_re in cases:
        what = "%s %s snapshot" % (e.tfm, label)
        app = LiveApp(app_path)
        try:
            out = os.path.join(e.newdir("degraded-snap"), "s.pb")
            rc, err = snapshot(e, app.pid, out, **extra)
            check(rc == 1, what + ": ddreport exits 1 (written, incomplete)", "exit %d %s"
                  % (rc, err))
            if os.path.exists(out):
                check_degraded(query_json(e, out), what, reason_re, crash=False)
            else:
                fail(what + ": no report")
            app.check_running_then_term(what)
        finally:
            app.kill()
        what = "%s %s crash-worker" % (e.tfm, label)
        d = e.newdir("degraded-crash")
        status, err, ms = run_app(e, app_path, ["crash-worker"], hook_env(e, d, **extra))
        check(status == base_status, what + ": exit status %d unchanged" % status)
        check(ms < 5000, what + ": crash run %.0f ms < 5000" % ms)
        files = one_report(d)
        if check(len(files) == 1, what + ": report written", err[-1500:]):
            r = query_json(e, files[0])
            check_degraded(r, what, reason_re, crash=True)
            check((r.get("signal") or {}).get("number") == 6, what + ": signal 6")


def test_apps_dir(build_sh):
    """Where tests/dotnet/build.sh published the apps: $DDCRASH_DOTNET_OUT when set, else its out/
    beside the real build.sh (the runfile is a symlink into the source tree; out/ is gitignored
    and .bazelignore'd, so Bazel cannot ship it)."""
    return os.environ.get("DDCRASH_DOTNET_OUT") or os.path.join(
        os.path.dirname(os.path.realpath(build_sh)), "out")


def finish():
    """A suite's exit status: 1 when any check failed (and how many), else 0."""
    if failures:
        print("%d check(s) FAILED" % failures)
        return 1
    print("all checks passed")
    return 0


def parse_suite_args(suites):
    """The command line every suite's py_test passes: the suite, the runtime and the shipped
    binaries. Returns the arguments with `out` (the published apps, checked to be there: missing
    apps are a FAILURE, never a skip) and `workdir` (a fresh directory under TEST_TMPDIR)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--suite", required=True, choices=suites)
    for k in ("tfm", "ddreport", "ddquery", "hook", "build-sh"):
        ap.add_argument("--" + k, required=True)
    a = ap.parse_args()
    a.ddreport, a.ddquery, a.hook = (os.path.realpath(p) for p in (a.ddreport, a.ddquery, a.hook))
    a.out = test_apps_dir(a.build_sh)
    for f in (APP, "libcoreclr.so", "libmscordaccore.so", "createdump"):
        path = os.path.join(a.out, "testapp", a.tfm, f)
        if not os.path.isfile(path):
            fail("%s is missing: run tests/dotnet/build.sh first" % path)
            sys.exit(1)
    a.workdir = tempfile.mkdtemp(prefix="e2e.", dir=os.environ.get("TEST_TMPDIR", "/tmp"))
    return a


def main():
    suites = {"live": suite_live, "crash": suite_crash, "oracle": suite_oracle,
              "degraded": suite_degraded}
    a = parse_suite_args(list(suites))
    e = Env(a)
    print("== %s on %s (%s)" % (a.suite, a.tfm, e.app_dir), flush=True)
    suites[a.suite](e)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
