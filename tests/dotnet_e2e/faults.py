#!/usr/bin/env python3
"""Faults during real .NET crashes through libddhook.so (one runtime per run; a py_test
like e2e.py, whose helpers it uses). The reporter never makes a crash worse: the
app always ends as it would without us, within the budget, and whatever could be captured is
on disk (or, when nothing can be written, on the app's stderr), marked incomplete.

Faults are injected into the real processes with bpftrace on ddreport's own USDT probes and
on the DAC's entry point, so every probe used here is also proven to fire:
  killed-at-<stage>   SIGKILL when stage attach/unwind/dac/detach/write begins: the last
                      checkpoint stays, saying what is missing
  segv-at-unwind      the reporter's own fatal signal: one line names the stage and the report
  dac-child-killed    the isolated DAC process dies mid-walk: native stacks kept
  hung-dac            the DAC stops dead in CLRDataCreateInstance: killed at its timeout
  app-killed          the crashing app is SIGKILLed while ddreport unwinds it
  unwritable-dir, read-only-dir, full-dir
                      the report cannot be written: the crashing thread goes to stderr
  concurrent          three apps crash at once into one report directory
  double-crash        two threads of one app throw unhandled exceptions at the same instant
  second-crash        a second thread segfaults in libc while the first thread's unhandled
                      exception is being reported (its timer runs out while it is frozen)
  probes              one clean crash traced end to end: every probe fires, in order
A copy of ddreport (and of the app directory, for the DAC) is traced, so that tests running
beside this one are never hit. If bpftrace cannot attach, the suite FAILS; it never skips.
"""
import glob
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
import e2e  # noqa: E402
from e2e import check, fail  # noqa: E402

BUDGET_MS = 5000        # DDCRASH_TIMEOUT_MS default
SLACK_MS = 1500         # the app's own exit after the reporter returns, on a loaded machine
MODE = "crash-worker"


def raise_memlock():
    try:
        resource.setrlimit(resource.RLIMIT_MEMLOCK,
                           (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    except (ValueError, OSError):
        pass  # kernels that account BPF memory to the cgroup do not need it


class Bpftrace:
    """bpftrace running `program` until the with-block ends; entering returns once its probes
    are attached. A thread collects its output lines (select() on a buffered pipe would miss
    lines already read ahead)."""

    def __init__(self, program):
        self.program = "BEGIN { printf(\"READY\\n\"); }\n" + program
        self.lines = []
        self.cv = threading.Condition()
        self.eof = False

    def _read(self):
        for line in self.p.stdout:
            with self.cv:
                self.lines.append(line.rstrip("\n"))
                self.cv.notify_all()
        with self.cv:
            self.eof = True
            self.cv.notify_all()

    def wait_for(self, prefix, timeout):
        """The first output line starting with `prefix`, or None after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self.cv:
            while True:
                for line in self.lines:
                    if line.startswith(prefix):
                        return line
                left = deadline - time.monotonic()
                if left <= 0 or self.eof:
                    return None
                self.cv.wait(left)

    def __enter__(self):
        env = dict(os.environ, BPFTRACE_STRLEN="200")
        self.p = subprocess.Popen(["bpftrace", "--unsafe", "-e", self.program], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                  preexec_fn=raise_memlock)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        if self.wait_for("READY", 30) is None:
            self.p.kill()
            self.reader.join()
            raise RuntimeError("bpftrace did not attach: " + "\n".join(self.lines[-20:]))
        return self

    def __exit__(self, *exc):
        self.p.send_signal(signal.SIGINT)
        try:
            self.p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
        self.reader.join()
        return False


def reports_in(d):
    return sorted(glob.glob(os.path.join(d, "ddcrash.*.pb")))


def leftovers_in(d):
    return sorted(glob.glob(os.path.join(d, ".ddcrash.*")))


def reasons(r):
    return [(x.get("stage", ""), x.get("reason", ""))
            for x in (r.get("diagnostics") or {}).get("incompleteReasons", [])]


def stopped_reporters(e):
    """This suite's ddreport processes (its own copy: the suites of other runtimes run beside
    it and hold theirs stopped on purpose) left stopped (T/t)."""
    left = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        pid = stat.split("/")[2]
        try:
            with open(stat) as f:
                text = f.read()
            exe = os.readlink("/proc/%s/exe" % pid)
        except OSError:
            continue
        if exe == e.ddreport and text[text.rindex(")") + 2] in "Tt":
            left.append(pid)
    return left


def crash_under(e, env, what, base_status):
    """Runs the crash; checks the app ended as without the hook and within the budget."""
    status, err, ms = e2e.run_app(e, e.app, [MODE], env)
    check(status == base_status, what + ": app exit status %d, as without the hook" % status,
          err[-1500:])
    check(ms < BUDGET_MS + SLACK_MS, what + ": app ended in %.0f ms (budget %d ms)"
          % (ms, BUDGET_MS))
    return status, err, ms


def signal_at_stage(e, stage, signal_arg):
    """A bpftrace program that sends `signal_arg` (bpftrace's spelling) to this suite's ddreport
    as `stage` begins, printing "HIT <pid>"."""
    return ('usdt:%s:ddcrash:stage_begin /str(arg0) == "%s"/ '
            '{ printf("HIT %%d\\n", pid); signal(%s); }' % (e.ddreport, stage, signal_arg))


def crash_traced(e, d, what, base_status, program, until="HIT"):
    """The crash under the hook (reports to `d`) with bpftrace running `program`, whose action
    prints a line starting with `until`. Returns (the app's stderr, that line or None, the
    finished Bpftrace with all its output)."""
    with Bpftrace(program) as bt:
        _, err, _ = crash_under(e, e2e.hook_env(e, d), what, base_status)
        line = bt.wait_for(until, 5)
    return err, line, bt


def check_checkpoint(e, d, what, missing_re):
    """One report in `d`: a checkpoint whose 'missing' matches `missing_re`. Returns it."""
    files = reports_in(d)
    if not check(len(files) == 1, what + ": one report on disk", str(os.listdir(d))):
        return None
    check(not leftovers_in(d), what + ": no temporary files left", str(leftovers_in(d)))
    r = e2e.query_json(e, files[0])
    check(r["diagnostics"].get("incomplete") is True, what + ": marked incomplete")
    cp = [reason for stage, reason in reasons(r) if stage == "checkpoint"]
    check(len(cp) == 1 and re.search(missing_re, cp[0]),
          what + ": checkpoint reason matches /%s/" % missing_re, str(reasons(r)))
    check(r.get("trigger") == "TRIGGER_CRASH" and (r.get("signal") or {}).get("number") == 6
          and int(r.get("crashingTid", 0)) > 0,
          what + ": crash trigger, SIGABRT and the crashing tid are there")
    return r


def fault_killed_at_stage(e, base_status):
    for stage in ("attach", "unwind", "dac", "detach", "write"):
        what = "%s killed-at-%s" % (e.tfm, stage)
        d = e.newdir("killed-" + stage)
        program = signal_at_stage(e, stage, '"KILL"')
        _, hit, bt = crash_traced(e, d, what, base_status, program)
        if not check(hit is not None, what + ": the reporter was killed as stage %s began"
                     % stage, "\n".join(bt.lines[-10:])):
            continue
        if stage == "attach":
            r = check_checkpoint(e, d, what, r"stopped before attaching")
            if r:
                check(not r.get("threads") and r["process"].get("exe", "").endswith(e2e.APP),
                      what + ": process and crash described, no threads yet")
        elif stage == "unwind":
            r = check_checkpoint(e, d, what, r"stopped after attaching")
            if r:
                ts = r.get("threads") or []
                check(len(ts) >= 8 and all(t.get("registers") for t in ts)
                      and not any(t.get("frames") for t in ts),
                      what + ": all %d threads with their registers, no frames yet" % len(ts))
        else:
            r = check_checkpoint(e, d, what, r"stopped after native unwinding")
            if r:
                ct = e2e.thread_by_tid(r, r["crashingTid"])
                fr = (ct or {}).get("frames") or []
                check(ct is not None and ct.get("crashed") and any(
                    f.get("function") == "start_thread" for f in fr)
                    and any("libcoreclr.so" in f.get("module", "") for f in fr),
                    what + ": the crashing thread's native stack down to start_thread",
                    e2e.describe(ct) if ct else "no crashing thread")
                check(all(t.get("frames") for t in r["threads"]),
                      what + ": every thread has its native frames")


def fault_segv_in_reporter(e, base_status):
    what = "%s segv-at-unwind" % e.tfm
    d = e.newdir("segv")
    program = signal_at_stage(e, "unwind", "11")  # SIGSEGV
    err, _, _ = crash_traced(e, d, what, base_status, program)
    files = reports_in(d)
    line = [l for l in err.splitlines() if "reporter died" in l]
    check(len(files) == 1 and len(line) == 1 and line[0] ==
          "ddcrash: reporter died of SIGSEGV in stage unwind; report (its last checkpoint, "
          "incomplete): " + files[0],
          what + ": one stderr line names the signal, the stage and the checkpoint",
          "\n".join(line) + " files %s" % files)
    check_checkpoint(e, d, what, r"stopped after attaching")


def fault_dac_child_killed(e, base_status):
    what = "%s dac-child-killed" % e.tfm
    d = e.newdir("dac-child")
    # dac_thread_walked fires in the isolated DAC process, after its first stack walk.
    program = ('usdt:%s:ddcrash:dac_thread_walked { printf("HIT %%d\\n", pid); '
               'signal("KILL"); }' % e.ddreport)
    _, hit, _ = crash_traced(e, d, what, base_status, program)
    check(hit is not None, what + ": the DAC process was killed mid-walk")
    files = reports_in(d)
    if check(len(files) == 1, what + ": the final report is written"):
        r = e2e.query_json(e, files[0])
        dac = [reason for stage, reason in reasons(r) if stage == "dac"]
        check(dac and re.search(r"signal 9|SIGKILL|killed", dac[0]),
              what + ": the dac stage says its process was killed", str(reasons(r)))
        check(not any(stage == "checkpoint" for stage, _ in reasons(r)),
              what + ": not a checkpoint: the reporter itself finished")
        e2e.check_degraded(r, what, r".", crash=True)


def fault_hung_dac(e, base_status):
    what = "%s hung-dac" % e.tfm
    d = e.newdir("hung-dac")
    dac = os.path.join(e.app_dir, "libmscordaccore.so")
    program = ('uprobe:%s:CLRDataCreateInstance { printf("HIT %%d\\n", pid); '
               'signal(19); }' % dac)
    _, hit, _ = crash_traced(e, d, what, base_status, program)
    check(hit is not None, what + ": the DAC stopped dead inside CLRDataCreateInstance")
    files = reports_in(d)
    if check(len(files) == 1, what + ": the report is written"):
        r = e2e.query_json(e, files[0])
        e2e.check_degraded(r, what, r"did not finish within .*killed", crash=True)
    left = stopped_reporters(e)
    check(not left, what + ": no stopped ddreport/DAC process left", str(left))


def fault_app_killed(e, base_status):
    what = "%s app-killed" % e.tfm
    d = e.newdir("app-killed")
    # Hold the reporter as unwinding begins, kill the app under it, let the reporter go on.
    program = signal_at_stage(e, "unwind", "19")  # SIGSTOP
    with Bpftrace(program) as bt:
        app = subprocess.Popen([e.app, MODE], env=e2e.hook_env(e, d),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        hit = bt.wait_for("HIT", 10)
        reporter = int(hit.split()[1]) if hit else 0
        app.kill()
        # A traced process's death is reported to its tracer first: the reporter must run on
        # for the app's parent to see it.
        if reporter:
            os.kill(reporter, signal.SIGCONT)
        try:
            app.wait(timeout=10)
        except subprocess.TimeoutExpired:
            fail(what + ": the app did not die of SIGKILL")
    if not check(reporter > 0, what + ": the reporter was held at the unwind stage"):
        return
    deadline = time.monotonic() + 10
    while os.path.exists("/proc/%d" % reporter) and time.monotonic() < deadline:
        try:
            with open("/proc/%d/stat" % reporter) as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    break
        except OSError:
            break
        time.sleep(0.05)
    check(time.monotonic() < deadline, what + ": the reporter ended after its target vanished")
    check(app.returncode == -9, what + ": the app died of the SIGKILL (%s)" % app.returncode)
    files = reports_in(d)
    if check(len(files) == 1, what + ": a report is on disk", str(os.listdir(d))):
        r = e2e.query_json(e, files[0])
        check(r["diagnostics"].get("incomplete") is True, what + ": marked incomplete",
              str(reasons(r)))


def fallback_checks(e, err, what, reason_re):
    check("ddcrash: cannot write the crash report: " in err and re.search(reason_re, err),
          what + ": stderr says the report cannot be written, and why (/%s/)" % reason_re,
          err[-1500:])
    check(re.search(r"ddcrash: .* crashed: System\.InvalidOperationException: ddcrash test: "
                    r"worker thread in thread \d+ \"ddcrash-crasher\"", err),
          what + ": the crash line is on stderr", err[-1500:])
    check(e2e.NS + "Crasher.Level2" in err and "start_thread" in err,
          what + ": the crashing thread's stack is on stderr")


def fault_unwritable(e, base_status):
    what = "%s unwritable-dir" % e.tfm
    _, err, _ = crash_under(e, e2e.hook_env(e, "/proc/ddcrash-reports"), what, base_status)
    fallback_checks(e, err, what, r"/proc/ddcrash-reports")


def in_private_tmpfs(e, what, options, base_status):
    """Crashes the app with the report directory on a private tmpfs mounted with `options`;
    returns (stderr, listing of the directory, copies of its files in a normal directory)."""
    d = e.newdir(what.split()[-1])
    mnt, saved = os.path.join(d, "mnt"), os.path.join(d, "saved")
    os.makedirs(mnt)
    os.makedirs(saved)
    # mode=0700: a tmpfs root is 1777 by default, which ddreport refuses as a report directory.
    script = ('mount -t tmpfs -o "$1,mode=0700" ddcrash-test "$2" || exit 99; shift 2; '
              'dir=$1 saved=$2; shift 2; "$@"; rc=$?; ls -A "$dir" > "$saved/.listing"; '
              'cp "$dir"/ddcrash.* "$saved"/ 2>/dev/null; exit $rc')
    env = e2e.hook_env(e, mnt)
    status, err, ms = e2e.run_app(e, "unshare", ["-m", "--", "sh", "-c", script, "sh", options,
                                                 mnt, mnt, saved, e.app, MODE], env)
    check(status == base_status, what + ": app exit status %d, as without the hook" % status,
          err[-1500:])
    check(ms < BUDGET_MS + SLACK_MS, what + ": app ended in %.0f ms" % ms)
    with open(os.path.join(saved, ".listing")) as f:
        listing = f.read().split()
    return err, listing, saved


def fault_read_only(e, base_status):
    what = "%s read-only-dir" % e.tfm
    err, listing, _ = in_private_tmpfs(e, what, "ro,size=1m", base_status)
    fallback_checks(e, err, what, r"Read-only file system")
    check(listing == [], what + ": nothing in the directory", str(listing))


def fault_full(e, base_status):
    what = "%s full-dir" % e.tfm
    # 8 KiB: room for the first checkpoint, not for the final report (about 25 KiB).
    err, listing, saved = in_private_tmpfs(e, what, "size=8k", base_status)
    fallback_checks(e, err, what, r"No space left on device")
    check(not [n for n in listing if n.startswith(".")],
          what + ": no temporary file left on the full file system", str(listing))
    files = reports_in(saved)
    if check(len(files) == 1 and "an earlier checkpoint is at" in err,
             what + ": the last checkpoint that fitted is kept, and stderr names it",
             str(listing)):
        r = e2e.query_json(e, files[0])
        check(any(stage == "checkpoint" for stage, _ in reasons(r)),
              what + ": it is marked as a checkpoint", str(reasons(r)))


def fault_concurrent(e, base_status):
    what = "%s concurrent" % e.tfm
    d = e.newdir("concurrent")
    n = 3
    start = time.monotonic()
    apps = [subprocess.Popen([e.app, MODE], env=e2e.hook_env(e, d), stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True) for _ in range(n)]
    for a in apps:
        a.communicate(timeout=60)
    ms = (time.monotonic() - start) * 1000
    statuses = [a.returncode if a.returncode >= 0 else 128 - a.returncode for a in apps]
    check(statuses == [base_status] * n, what + ": %d apps exit %s" % (n, statuses))
    # Three crashes at once on two cores: each reporter has its own 5 s budget.
    check(ms < BUDGET_MS + 2 * SLACK_MS, what + ": all %d ended in %.0f ms" % (n, ms))
    files = reports_in(d)
    if check(len(files) == n, what + ": %d reports, one per app" % n, str(os.listdir(d))):
        pids = set()
        for f in files:
            r = e2e.query_json(e, f)
            pids.add(int(r["process"]["pid"]))
            ct = e2e.thread_by_tid(r, r.get("crashingTid", 0))
            check(ct is not None and e2e.NS + "Crasher.Level2" in e2e.managed_methods(ct)
                  and not any(s == "checkpoint" for s, _ in reasons(r)),
                  what + ": %s is a finished report naming the crash" % os.path.basename(f),
                  str(reasons(r)))
        check(pids == {a.pid for a in apps}, what + ": the reports are of the %d apps" % n)


def one_finished_report(e, d, what):
    files = reports_in(d)
    if not check(len(files) == 1, what + ": one report", str(os.listdir(d))):
        return None
    r = e2e.query_json(e, files[0])
    check(not any(stage == "checkpoint" for stage, _ in reasons(r)),
          what + ": a finished report, not a checkpoint", str(reasons(r)))
    return r


def fault_double_crash(e, base_status):
    what = "%s double-crash" % e.tfm
    crashers = {"ddcrash-crash-1": "ddcrash test: first of two",
                "ddcrash-crash-2": "ddcrash test: second of two"}
    for run in range(3):
        d = e.newdir("double-%d" % run)
        status, err, ms = e2e.run_app(e, e.app, ["crash-double"], e2e.hook_env(e, d))
        check(status == 134, what + " %d: app exit status 134 (SIGABRT)" % run, err[-1500:])
        check(ms < BUDGET_MS + SLACK_MS, what + " %d: app ended in %.0f ms" % (run, ms))
        r = one_finished_report(e, d, what + " %d" % run)
        if r is None:
            continue
        ct = e2e.thread_by_tid(r, r.get("crashingTid", 0)) or {}
        name = ct.get("name", "")
        ex = r.get("exception") or {}
        check(name in crashers and ex.get("message") == crashers[name]
              and e2e.NS + "Crasher.Level2" in e2e.managed_methods(ct),
              what + " %d: the crash reported is one of the two, with its own exception "
              "(%s: %r)" % (run, name, ex.get("message")), e2e.describe(ct) if ct else "")
        names = [t.get("name") for t in r["threads"]]
        check(all(n in names for n in crashers), what + " %d: both crashing threads in the "
              "report" % run, str(names))


def fault_second_crash(e, base_status):
    what = "%s second-crash" % e.tfm
    outcomes = []
    for run in range(3):
        d = e.newdir("second-%d" % run)
        status, err, ms = e2e.run_app(e, e.app, ["crash-second"], e2e.hook_env(e, d))
        check(ms < BUDGET_MS + SLACK_MS, what + " %d: app ended in %.0f ms" % (run, ms))
        r = one_finished_report(e, d, what + " %d" % run)
        if r is None:
            continue
        sig = (r.get("signal") or {}).get("number")
        ct = e2e.thread_by_tid(r, r.get("crashingTid", 0)) or {}
        outcomes.append((ct.get("name"), sig, status))
        # Whichever crash the runtime reported first is the one in the report, and the app
        # dies of that one.
        if sig == 11:
            check(ct.get("name") == "ddcrash-crash-2" and status == 139,
                  what + " %d: the segfault was reported; the app died of SIGSEGV" % run,
                  "%s %s" % (ct.get("name"), status))
        else:
            check(ct.get("name") == "ddcrash-crash-1" and sig == 6 and status == 134
                  and (r.get("exception") or {}).get("message") == "ddcrash test: first of two",
                  what + " %d: the exception was reported; the app died of SIGABRT" % run,
                  "%s %s %s" % (ct.get("name"), sig, status))
            # Frozen in its sleep when ddreport froze the process within the 100 ms delay;
            # on a loaded machine its fault may come first, and it is then caught in the
            # runtime's handler of that fault, its own frames under the signal trampoline.
            second = [t for t in r["threads"] if t.get("name") == "ddcrash-crash-2"]
            methods = e2e.managed_methods(second[0]) if second else []
            kinds = [f.get("kind") for f in second[0].get("frames", [])] if second else []
            check(len(second) == 1 and ("System.Threading.Thread.Sleep" in methods or (
                      "FRAME_KIND_SIGNAL_TRAMPOLINE" in kinds
                      and "Ddcrash.TestApp.Native.SegfaultInLibc" in methods)),
                  what + " %d: the second crasher is in the report, frozen in its sleep "
                  "or in its own fault" % run, e2e.describe(second[0]) if second else "absent")
    print("note: %s outcomes (crashing thread, signal, exit): %s" % (what, outcomes))


def probes_in_order(e, base_status):
    what = "%s probes" % e.tfm
    d = e.newdir("probes")
    p = e.ddreport
    program = "\n".join([
        'usdt:%s:ddcrash:stage_begin { printf("begin %%s\\n", str(arg0)); }' % p,
        'usdt:%s:ddcrash:stage_end { printf("end %%s\\n", str(arg0)); }' % p,
        'usdt:%s:ddcrash:thread_unwound { printf("thread %%d\\n", arg0); }' % p,
        'usdt:%s:ddcrash:checkpoint_written { printf("checkpoint %%s\\n", str(arg0)); }' % p,
        'usdt:%s:ddcrash:dac_opened { printf("dac_opened %%s\\n", str(arg0)); }' % p,
        'usdt:%s:ddcrash:dac_threads_listed { printf("dac_threads %%d\\n", arg0); }' % p,
        'usdt:%s:ddcrash:dac_thread_walked { printf("dac_walked %%d %%d\\n", arg0, arg1); }' % p,
        'usdt:%s:ddcrash:report_written { printf("written %%s\\n", str(arg0)); }' % p,
    ])
    _, _, bt = crash_traced(e, d, what, base_status, program, until="written")
    files = reports_in(d)
    if not check(len(files) == 1, what + ": report written"):
        return
    r = e2e.query_json(e, files[0])
    events = [l for l in bt.lines if re.match(r"(begin|end|thread|checkpoint|dac_\w+|written) ",
                                              l)]
    stages = [l for l in events if l.startswith(("begin ", "end "))]
    want = []
    for s in ("attach", "unwind", "dac", "detach", "write"):
        want += ["begin " + s, "end " + s]
    # The merge runs on a thread of its own while the main thread detaches: it begins after
    # the DAC stage and ends before the write, in whatever order with the detach.
    serial = [l for l in stages if not l.endswith(" merge")]
    check(serial == want, what + ": stages begin and end in order", str(stages))
    merge = [i for i, l in enumerate(stages) if l.endswith(" merge")]
    check(len(merge) == 2 and stages[merge[0]] == "begin merge"
          and stages.index("end dac") < merge[0] < merge[1] < stages.index("begin write"),
          what + ": the merge runs between the DAC stage and the write", str(stages))
    check([l for l in events if l.startswith("checkpoint ")] == ["checkpoint " + files[0]] * 3,
          what + ": three checkpoints, all to the report's path")
    check(len([l for l in events if l.startswith("thread ")]) == len(r["threads"]),
          what + ": thread_unwound once per thread (%d)" % len(r["threads"]))
    opened = [l for l in events if l.startswith("dac_opened ")]
    check(len(opened) == 1 and opened[0].endswith("libmscordaccore.so"),
          what + ": dac_opened once, naming the DAC", str(opened))
    listed = [int(l.split()[1]) for l in events if l.startswith("dac_threads ")]
    walked = [l for l in events if l.startswith("dac_walked ")]
    managed = [t for t in r["threads"] if int(t.get("managedId", 0)) > 0]
    check(listed and listed[0] >= len(managed) and len(walked) >= len(managed) > 0,
          what + ": the DAC listed %s threads and walked %d (%d managed in the report)"
          % (listed, len(walked), len(managed)))
    check(events[-2:] == ["written " + files[0], "end write"],
          what + ": report_written at the end of the write stage, naming the report",
          str(events[-2:]))


def main():
    a = e2e.parse_suite_args(["faults"])
    e = e2e.Env(a)
    print("== faults on %s (%s)" % (a.tfm, e.app_dir), flush=True)
    if not e2e.ensure_tracefs():
        return 1
    if shutil.which("bpftrace") is None:
        fail("bpftrace is required (setup.sh installs it)")
        return 1
    # Our own copies: bpftrace probes attach to a file, and nothing else must be hit.
    own = os.path.join(a.workdir, "bin")
    os.makedirs(own)
    e.ddreport = os.path.join(own, "ddreport")
    shutil.copy2(a.ddreport, e.ddreport)
    e.app_dir = os.path.join(a.workdir, "app")
    shutil.copytree(os.path.join(a.out, "testapp", a.tfm), e.app_dir, symlinks=True)
    e.app = os.path.join(e.app_dir, e2e.APP)

    base_status, _, _ = e2e.run_app(e, e.app, [MODE], e2e.clean_env())
    check(base_status == 134, "baseline: %s exits 134 without the hook" % MODE)
    faults = [
        probes_in_order, fault_killed_at_stage, fault_segv_in_reporter, fault_dac_child_killed,
        fault_hung_dac, fault_app_killed, fault_unwritable, fault_read_only, fault_full,
        fault_concurrent, fault_double_crash, fault_second_crash,
    ]
    for fault in faults:
        try:
            fault(e, base_status)
        except RuntimeError as err:
            fail("%s: %s" % (fault.__name__, err))
    return e2e.finish()


if __name__ == "__main__":
    sys.exit(main())
