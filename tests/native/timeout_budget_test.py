#!/usr/bin/env python3
"""The whole-run budget: DDCRASH_TIMEOUT_MS=100 on native_fixture `flat 1000 200` (a full
snapshot of it takes seconds). Three runs; asserted each time: ddreport exits 1 (partial)
within 1 s; the report exists and reads; diagnostics.incomplete is true with a reason that
names DDCRASH_TIMEOUT_MS; every one of the 1001 threads is still listed (with at least its
frame 0, or an error); once ddreport has exited no task of the target is stopped or traced,
and the target answers a ping. The overrun past 100 ms goes to the test log.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_lib  # noqa: E402

RUNS = 3


def main():
    ddreport, ddquery, fixture_path = e2e_lib.tools()
    checks = e2e_lib.Checks("timeout_budget_test")
    work = e2e_lib.work_dir("budget")
    with e2e_lib.Fixture(fixture_path, ["flat", "1000", "200"]) as fixture:
        for run in range(RUNS):
            path = os.path.join(work, f"report{run}.pb")
            rc, err, seconds = e2e_lib.run_ddreport(ddreport, ["--pid", str(fixture.pid), "-o", path],
                                                    {"DDCRASH_TIMEOUT_MS": "100"})
            print(f"run {run}: DDCRASH_TIMEOUT_MS=100, ddreport took {seconds * 1000:.0f} ms: "
                  f"{err.strip()}", flush=True)
            checks.check(rc == 1, f"run {run}: exit 1, partial (got {rc})", err)
            checks.check(seconds < 1.0, f"run {run}: done within 1 s ({seconds * 1000:.0f} ms)")
            stopped = fixture.stopped_tasks()
            checks.check(stopped == {}, f"run {run}: no task stopped once ddreport has exited",
                         f"{len(stopped)} stopped, e.g. {list(stopped.items())[:5]}")
            traced = [t for t in e2e_lib.task_ids(fixture.pid)
                      if e2e_lib.tracer_pid(fixture.pid, t) not in (0, None)]
            checks.check(not traced, f"run {run}: no task still traced", traced[:5])
            checks.check(fixture.alive() and fixture.ping(), f"run {run}: target answers a ping")
            if not checks.check(os.path.exists(path), f"run {run}: report written"):
                continue
            report = e2e_lib.query_json(ddquery, path)
            diagnostics = report.get("diagnostics", {})
            reasons = diagnostics.get("incompleteReasons", [])
            checks.check(diagnostics.get("incomplete") is True, f"run {run}: diagnostics.incomplete")
            checks.check(any("DDCRASH_TIMEOUT_MS" in r.get("reason", "") for r in reasons),
                         f"run {run}: a reason names DDCRASH_TIMEOUT_MS", reasons)
            print(f"run {run}: {len(reasons)} reasons, first {reasons[:2]}; stages "
                  f"{diagnostics.get('stages')}", flush=True)
            threads = report.get("threads", [])
            listed = [t for t in threads if t.get("frames") or t.get("error")]
            checks.check(len(threads) == 1001 and len(listed) == 1001,
                         f"run {run}: all 1001 threads listed ({len(threads)}), each with frame 0 "
                         f"or an error ({len(listed)})")
            walked = sum(1 for t in threads if len(t.get("frames", [])) > 1)
            print(f"run {run}: {walked} threads unwound past frame 0 before the budget ran out",
                  flush=True)
            checks.check(walked < 1000, f"run {run}: the budget did cut the walk short "
                         f"({walked} of 1001 threads unwound)")
    checks.finish()


if __name__ == "__main__":
    main()
