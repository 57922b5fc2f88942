#!/usr/bin/env python3
"""ddreport --pid on 1000 threads x 8 frames (native_fixture flat 1000 8), three snapshots
of the same process. Asserted each time: exit 0 and a complete report; exactly the process's
1001 TIDs; every "flat" thread's stack is exactly
    pause, Park, Descend x8, ThreadMain, start_thread, clone3
(libc names compared modulo the __GI_ alias prefix); the main thread ends in fgets <- main;
afterwards no task is stopped (state t/T), none is still traced, and the process answers a
ping on its stdin pipe. Snapshot times go to the test log.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_lib  # noqa: E402

THREADS = 1000
DEPTH = 8
RUNS = 3


def libc_name(name):
    """'__GI___clone3' -> '__clone3'; glibc's internal aliases of one symbol."""
    return name[len("__GI_"):] if name.startswith("__GI_") else name


def expected_flat(names):
    if len(names) != DEPTH + 5:
        return False
    return (names[0] in ("pause", "__libc_pause", "__pause") and
            names[1] == "native_fixture::Park()" and
            names[2:2 + DEPTH] == ["native_fixture::Descend(int)"] * DEPTH and
            names[2 + DEPTH] == "native_fixture::ThreadMain(void*)" and
            names[3 + DEPTH] == "start_thread" and
            libc_name(names[4 + DEPTH]) in ("__clone3", "clone3"))


def main():
    ddreport, ddquery, fixture_path = e2e_lib.tools()
    checks = e2e_lib.Checks("many_threads_test")
    work = e2e_lib.work_dir("many")
    with e2e_lib.Fixture(fixture_path, ["flat", str(THREADS), str(DEPTH)]) as fixture:
        tids = e2e_lib.task_ids(fixture.pid)
        checks.check(len(tids) == THREADS + 1, f"fixture has {len(tids)} tasks")
        times = []
        for run in range(RUNS):
            path = os.path.join(work, f"report{run}.pb")
            rc, err, seconds = e2e_lib.run_ddreport(ddreport, ["--pid", str(fixture.pid), "-o", path])
            times.append(seconds)
            checks.check(rc == 0, f"run {run}: ddreport exit 0 (got {rc}) in {seconds * 1000:.0f} ms",
                         err)
            report = e2e_lib.query_json(ddquery, path)
            threads = report.get("threads", [])
            diagnostics = report.get("diagnostics", {})
            checks.check(not diagnostics.get("incomplete"), f"run {run}: report complete",
                         diagnostics.get("incompleteReasons"))
            report_tids = sorted(int(t["tid"]) for t in threads)
            checks.check(len(threads) == THREADS + 1 and report_tids == tids,
                         f"run {run}: {len(threads)} threads, the process's TIDs exactly")
            bad = []
            flat = 0
            for thread in threads:
                names = e2e_lib.function_names(thread)
                if int(thread["tid"]) == fixture.pid:
                    ok = (len(names) >= 3 and "main" in names and
                          names.index("main") > 0 and "fgets" in names[names.index("main") - 1])
                    if not ok:
                        bad.append(f"main thread: {names}")
                    continue
                flat += 1
                if thread.get("name") != "flat" or not expected_flat(names) or \
                        thread.get("truncated") or thread.get("error"):
                    bad.append(f"tid {thread['tid']} {thread.get('name')!r}: {names} "
                               f"{thread.get('error', '')}")
            checks.check(flat == THREADS and not bad,
                         f"run {run}: {flat} threads have Park, Descend x{DEPTH}, ThreadMain, "
                         f"start_thread, clone3; main thread in fgets <- main",
                         "\n".join(bad[:10]) + (f"\n... {len(bad)} in all" if len(bad) > 10 else ""))
            # Immediately: ddreport has detached every thread before it exits.
            stopped = fixture.stopped_tasks()
            checks.check(stopped == {}, f"run {run}: no task stopped once ddreport has exited",
                         f"{len(stopped)} stopped, e.g. {list(stopped.items())[:5]}")
            traced = [t for t in e2e_lib.task_ids(fixture.pid)
                      if e2e_lib.tracer_pid(fixture.pid, t) not in (0, None)]
            checks.check(not traced, f"run {run}: no task still traced", traced[:5])
            checks.check(fixture.alive() and fixture.ping(), f"run {run}: fixture answers a ping")
        print(f"1000-thread snapshot times (ms, ddreport wall clock): "
              f"{', '.join(f'{t * 1000:.0f}' for t in times)}", flush=True)
    checks.finish()


if __name__ == "__main__":
    main()
