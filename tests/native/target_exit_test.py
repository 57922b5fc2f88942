#!/usr/bin/env python3
"""A target that goes away under ddreport --pid: the process exits, or its threads come and go,
while ddreport attaches and unwinds, over many runs with timings spread over 0..30 ms.

  exit    40 runs on native_fixture `flat 200 8` (ddreport takes ~20-60 ms on it): the target
          dies D ms after ddreport starts, D = 0 .. 30 ms, or 0 .. 1.2 x ddreport's time on it
          (measured first) if that is longer; even runs SIGKILL it from here,
          odd runs have it exit on its own (`exit-after D`: _exit from a thread of its own,
          which only runs while ddreport does not hold it stopped).
  churn   40 snapshots of one `churn 16 8` target (16 threads alive at any time, each living
          0..4 ms; a new one at once for each that exits), D = 0 .. 30 ms apart.
  churn+exit  20 runs: a fresh `churn 16 8` target that dies D = 0 .. 30 ms after ddreport
          starts (SIGKILL / exit-after, alternating).

  usage: target_exit_test.py DDREPORT DDQUERY FIXTURE

In the exit scenario, a report that exit 0 calls complete must be complete: every thread, the
fixture among the modules, every "flat" thread with Park <- Descend x8 <- ThreadMain, the main
thread in main -- what many_threads_test asserts of a target that does not die. (A target
killed while ddreport held it once gave exit 0 with stacks cut to one frame; ddreport now
says "killed while it was being captured" and exits 1.)

Asserted for every run: ddreport ends within 6 s (DDCRASH_TIMEOUT_MS 5000 + the watchdog's
500 ms; it is killed at 20 s and the run fails as a hang) with an exit code, never a signal,
and the code is one documented for the case (cli/exit_codes.h): 0 complete or 1 partial,
and, when the target exits, 3 (no target); 0 and 1 have written a report that ddquery --json
reads, of the target's pid, marked incomplete exactly when the exit code is 1; 3 has written
none. A target that exits is gone (reaped) within 10 s; a target that stays has no task
stopped (t/T) or traced within 1 s of ddreport's exit and answers a ping. Prints the
distribution of exit codes per scenario.
"""

import collections
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_lib  # noqa: E402

EXIT_RUNS = 40
CHURN_RUNS = 40
CHURN_EXIT_RUNS = 20
MAX_DELAY_MS = 30.0
TIMEOUT_MS = 5000
BOUND_S = (TIMEOUT_MS + 500) / 1000 + 0.5   # budget + watchdog grace + process start/exit
HANG_S = 20

NAMES = {0: "complete", 1: "partial", 2: "usage", 3: "no target", 4: "attach denied",
         5: "write failed"}


def delays(runs, span_ms=MAX_DELAY_MS):
    return [span_ms * i / (runs - 1) for i in range(runs)]


def calibrate(checks, ddreport, fixture_path, fixture_args, work, env):
    """ddreport's wall time on a target that stays (median of 3), in ms: the exit runs spread
    their delays over max(30 ms, 1.2 x this), so that on a slow or busy machine too they land
    before, during and after the capture."""
    times = []
    with e2e_lib.Fixture(fixture_path, fixture_args) as fixture:
        for i in range(3):
            run = Run(ddreport, fixture.pid, os.path.join(work, f"calibrate-{i}.pb"), env)
            rc = run.wait()
            checks.check(rc == 0, f"calibration {i}: ddreport exit 0 on {' '.join(fixture_args)} "
                         f"in {run.elapsed * 1000:.0f} ms", run.stderr)
            times.append(run.elapsed * 1000)
    return sorted(times)[1]


class Run:
    """One ddreport --pid, started now; wait() bounds it."""

    def __init__(self, ddreport, pid, out, env):
        self.out = out
        self.start = time.monotonic()
        self.proc = subprocess.Popen([ddreport, "--pid", str(pid), "-o", out], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.elapsed = None
        self.stderr = ""

    def wait(self):
        """The exit code (negative: a signal), or None when it hung (then it is killed)."""
        try:
            _, err = self.proc.communicate(timeout=HANG_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
            self.elapsed = time.monotonic() - self.start
            self.stderr = err.decode(errors="replace")
            return None
        self.elapsed = time.monotonic() - self.start
        self.stderr = err.decode(errors="replace")
        return self.proc.returncode


def check_outcome(checks, ddquery, what, run, rc, pid, allowed):
    """The exit code and what it promises about the report."""
    detail = run.stderr.strip()[-1500:]
    if not checks.check(rc is not None, f"{what}: ddreport ended (within {HANG_S} s)", detail):
        return
    checks.check(rc >= 0, f"{what}: ddreport exited, not killed by a signal (status {rc})",
                 detail)
    checks.check(rc in allowed, f"{what}: exit {rc} ({NAMES.get(rc, '?')}) is one of "
                 f"{sorted(allowed)}", detail)
    checks.check(run.elapsed < BOUND_S, f"{what}: ddreport took {run.elapsed * 1000:.0f} ms "
                 f"< {BOUND_S:.1f} s", detail)
    written = os.path.exists(run.out)
    if rc in (0, 1):
        if not checks.check(written, f"{what}: exit {rc} wrote the report", detail):
            return
    elif rc == 3:
        checks.check(not written, f"{what}: exit 3 wrote no report", detail)
    if written:
        try:
            report = e2e_lib.query_json(ddquery, run.out)
        except (RuntimeError, ValueError) as e:
            checks.check(False, f"{what}: ddquery --json reads the report", str(e))
            return
        diagnostics = report.get("diagnostics") or {}
        incomplete = bool(diagnostics.get("incomplete"))
        reasons = diagnostics.get("incompleteReasons") or []
        checks.check(int((report.get("process") or {}).get("pid", 0)) == pid and
                     incomplete == (rc == 1) and bool(reasons) == incomplete and
                     report.get("threads"),
                     f"{what}: the report is of pid {pid}, has threads, and is "
                     f"{'incomplete (with reasons)' if incomplete else 'complete'} as exit "
                     f"{rc} says", reasons)
        return report
    return None


def libc_name(name):
    """'__GI___clone3' -> '__clone3'; glibc's internal aliases of one symbol."""
    return name[len("__GI_"):] if name.startswith("__GI_") else name


def check_really_complete(checks, what, report, fixture_path, threads, depth, tasks):
    """A complete report of `flat THREADS DEPTH`, which had one of `tasks` (task counts) at
    the snapshot: every thread, with its whole stack."""
    names = {t.get("tid"): e2e_lib.function_names(t) for t in report.get("threads", [])}
    flat = [t for t in report.get("threads", []) if t.get("name") == "flat"]
    want = ["native_fixture::Park()"] + ["native_fixture::Descend(int)"] * depth + [
        "native_fixture::ThreadMain(void*)"]
    short = [(t.get("tid"), len(t.get("frames", []))) for t in flat
             if e2e_lib.function_names(t)[1:2 + depth + 1] != want]
    modules = [m.get("path") for m in report.get("modules", [])]
    pid = int(report["process"]["pid"])
    main = [n for tid, n in names.items() if int(tid) == pid]
    checks.check(len(names) in tasks and len(flat) == threads and not short and
                 os.path.realpath(fixture_path) in [os.path.realpath(m) for m in modules if m]
                 and main and "main" in main[0],
                 f"{what}: exit 0's report is complete: {len(names)} threads, "
                 f"{len(flat) - len(short)}/{len(flat)} flat stacks whole "
                 f"(Park, Descend x{depth}, ThreadMain), {len(modules)} modules, main in main",
                 f"threads cut short (tid, frames): {short[:8]}{' ...' if len(short) > 8 else ''}"
                 f"; main thread {main}; modules {modules}; "
                 f"diagnostics {report.get('diagnostics')}")


def trigger_exit(fixture, method, delay_ms):
    """Before ddreport starts: arms the fixture's own exit (exit-after), and waits for its
    "exiting" answer, so that ddreport never finds the main thread inside clone3, where no
    unwinder can leave it (glibc ends clone3's CFI before the syscall)."""
    if method == "exit-after":
        fixture.proc.stdin.write(f"exit-after {int(round(delay_ms))}\n".encode())
        fixture.proc.stdin.flush()
        fixture.read_line(5.0)


def finish_exit(fixture, method, delay_ms, start):
    """After ddreport started: SIGKILLs the fixture D ms after `start`."""
    if method == "SIGKILL":
        left = delay_ms / 1000.0 - (time.monotonic() - start)
        if left > 0:
            time.sleep(left)
        try:
            os.kill(fixture.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def exiting_runs(checks, ddreport, ddquery, fixture_path, fixture_args, runs, label, work, env,
                 codes, span_ms=MAX_DELAY_MS, complete_oracle=False):
    for run_no, delay_ms in enumerate(delays(runs, span_ms)):
        method = "SIGKILL" if run_no % 2 == 0 else "exit-after"
        what = f"{label} run {run_no} ({method} at {delay_ms:.1f} ms)"
        out = os.path.join(work, f"{label}-{run_no}.pb")
        with e2e_lib.Fixture(fixture_path, fixture_args,
                             parked=fixture_args[0] != "churn") as fixture:
            pid = fixture.pid
            tasks = len(e2e_lib.task_ids(pid))
            trigger_exit(fixture, method, delay_ms)
            run = Run(ddreport, pid, out, env)
            finish_exit(fixture, method, delay_ms, run.start)
            rc = run.wait()
            codes[rc if rc is not None else "hang"] += 1
            report = check_outcome(checks, ddquery, what, run, rc, pid, {0, 1, 3})
            if complete_oracle and rc == 0 and report is not None:
                # exit-after's thread is one more task, once the main thread has started it.
                check_really_complete(checks, what, report, fixture_path,
                                      int(fixture_args[1]), int(fixture_args[2]),
                                      (tasks, tasks + 1) if method == "exit-after" else (tasks,))
            try:
                status = fixture.proc.wait(timeout=10)
                checks.check(status == (-signal.SIGKILL if method == "SIGKILL" else 0),
                             f"{what}: target gone, exit status {status}")
            except subprocess.TimeoutExpired:
                checks.check(False, f"{what}: target gone within 10 s of ddreport's exit",
                             f"states {fixture.states()}")


def churn_runs(checks, ddreport, ddquery, fixture_path, work, env, codes):
    with e2e_lib.Fixture(fixture_path, ["churn", "16", "8"], parked=False) as fixture:
        for run_no, delay_ms in enumerate(delays(CHURN_RUNS)):
            what = f"churn run {run_no} (after {delay_ms:.1f} ms)"
            time.sleep(delay_ms / 1000.0)
            out = os.path.join(work, f"churn-{run_no}.pb")
            run = Run(ddreport, fixture.pid, out, env)
            rc = run.wait()
            codes[rc if rc is not None else "hang"] += 1
            check_outcome(checks, ddquery, what, run, rc, fixture.pid, {0, 1})
            stopped = fixture.wait_not_stopped(1.0)
            traced = [t for t in e2e_lib.task_ids(fixture.pid)
                      if e2e_lib.tracer_pid(fixture.pid, t) not in (0, None)]
            checks.check(not stopped and not traced and fixture.ping(5.0),
                         f"{what}: target running, no task stopped or traced, answers a ping",
                         f"stopped {list(stopped.items())[:5]}, traced {traced[:5]}")


def main():
    ddreport, ddquery, fixture_path = e2e_lib.tools()
    checks = e2e_lib.Checks("target_exit_test")
    work = e2e_lib.work_dir("exit")
    env = dict(os.environ, DDCRASH_REPORT_DIR=os.path.join(work, "reports"),
               DDCRASH_TIMEOUT_MS=str(TIMEOUT_MS))
    start = time.monotonic()
    distributions = {}

    flat = ["flat", "200", "8"]
    snapshot_ms = calibrate(checks, ddreport, fixture_path, flat, work, env)
    span_ms = max(MAX_DELAY_MS, 1.2 * snapshot_ms)
    print(f"ddreport takes {snapshot_ms:.0f} ms on flat 200 8: exit delays 0..{span_ms:.0f} ms",
          flush=True)
    codes = collections.Counter()
    exiting_runs(checks, ddreport, ddquery, fixture_path, flat, EXIT_RUNS, "exit", work, env,
                 codes, span_ms, complete_oracle=True)
    distributions[f"exit (flat 200 8, 0..{span_ms:.0f} ms)"] = codes

    codes = collections.Counter()
    churn_runs(checks, ddreport, ddquery, fixture_path, work, env, codes)
    distributions["churn (churn 16 8, 0..30 ms apart)"] = codes

    codes = collections.Counter()
    exiting_runs(checks, ddreport, ddquery, fixture_path, ["churn", "16", "8"],
                 CHURN_EXIT_RUNS, "churn+exit", work, env, codes)
    distributions["churn+exit (churn 16 8, 0..30 ms)"] = codes

    print(f"exit codes ({time.monotonic() - start:.1f} s):", flush=True)
    for label, counter in distributions.items():
        parts = ", ".join(f"{code} ({NAMES.get(code, code)}): {n}"
                          for code, n in sorted(counter.items(), key=lambda kv: str(kv[0])))
        print(f"  {label}: {parts}", flush=True)
    checks.finish()


if __name__ == "__main__":
    main()
