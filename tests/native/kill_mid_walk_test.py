#!/usr/bin/env python3
"""ddreport SIGKILLed mid-walk must not leave its target stopped.

native_fixture `flat 1000 8` is snapshotted 11 times by a ddreport that gets SIGKILL after
5, 7, 9, 11, 13, 15, 17 and 20 ms (while it seizes and interrupts threads) and at 25%, 45%
and 60% of the time a whole snapshot of it takes here (measured first: the fastest of two;
fixed late delays proved too long on an idle machine). Asserted each time: ddreport was still
running when killed (exit by SIGKILL -- otherwise the iteration proves nothing); within 1 s no
task of the target is in state t/T and none is still traced; the target answers a ping; it
still has all its tasks.
"""

import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_lib  # noqa: E402

EARLY_DELAYS_MS = [5, 7, 9, 11, 13, 15, 17, 20]
LATE_FRACTIONS = [0.25, 0.45, 0.6]


def snapshot_ms(ddreport, pid, out, env):
    start = time.monotonic()
    rc = subprocess.run([ddreport, "--pid", str(pid), "-o", out], env=env,
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    return rc, (time.monotonic() - start) * 1000


def main():
    ddreport, _, fixture_path = e2e_lib.tools()
    checks = e2e_lib.Checks("kill_mid_walk_test")
    work = e2e_lib.work_dir("kill")
    env = dict(os.environ, DDCRASH_REPORT_DIR=os.path.join(work, "reports"))
    with e2e_lib.Fixture(fixture_path, ["flat", "1000", "8"]) as fixture:
        tasks = len(e2e_lib.task_ids(fixture.pid))
        checks.check(tasks == 1001, f"fixture has {tasks} tasks")
        whole = [snapshot_ms(ddreport, fixture.pid, os.path.join(work, "whole.pb"), env)
                 for _ in range(2)]
        checks.check(all(rc == 0 for rc, _ in whole), "calibration snapshots complete",
                     str(whole))
        full_ms = min(ms for _, ms in whole)
        print(f"a whole snapshot takes {full_ms:.0f} ms", flush=True)
        delays = EARLY_DELAYS_MS + [round(f * full_ms) for f in LATE_FRACTIONS]
        for run, delay_ms in enumerate(delays):
            out = os.path.join(work, f"report{run}.pb")
            proc = subprocess.Popen([ddreport, "--pid", str(fixture.pid), "-o", out], env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            time.sleep(delay_ms / 1000.0)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            proc.stderr.close()
            start = time.monotonic()
            stopped = fixture.wait_not_stopped(1.0)
            released_ms = (time.monotonic() - start) * 1000
            checks.check(proc.returncode == -signal.SIGKILL,
                         f"run {run}: ddreport killed mid-way after {delay_ms} ms "
                         f"(exit {proc.returncode})")
            checks.check(stopped == {},
                         f"run {run}: no task stopped within 1 s (took {released_ms:.0f} ms)",
                         f"{len(stopped)} still stopped, e.g. {list(stopped.items())[:5]}")
            traced = [t for t in e2e_lib.task_ids(fixture.pid)
                      if e2e_lib.tracer_pid(fixture.pid, t) not in (0, None)]
            checks.check(not traced, f"run {run}: no task still traced", traced[:5])
            checks.check(fixture.alive() and fixture.ping(2.0), f"run {run}: target answers a ping")
            checks.check(len(e2e_lib.task_ids(fixture.pid)) == 1001, f"run {run}: 1001 tasks remain")
            checks.check(not os.path.exists(out), f"run {run}: no report written by a killed run")
    checks.finish()


if __name__ == "__main__":
    main()
