#!/usr/bin/env python3
"""Deep stacks, exact counts: native_fixture `deep N` parks one thread under
DeepMain -> Deep x N -> Park (-O2 -fomit-frame-pointer, so every frame comes from CFI).
Asserted: for N = 400 and 1000 (default DDCRASH_MAX_FRAMES=1024) and N = 3000 (with
DDCRASH_MAX_FRAMES=4096), the stack is exactly pause, Park, Deep x N, DeepMain, start_thread,
clone3, not truncated, every caller frame found through CFI; for N = 1500 with the default
limit, exactly 1024 frames (pause, Park, Deep x 1022), the thread marked truncated and the
report partial (exit 1) with a reason naming DDCRASH_MAX_FRAMES.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_lib  # noqa: E402

DEEP = "native_fixture::Deep(int)"


def snapshot(checks, ddreport, ddquery, fixture_path, depth, env, work, expected_exit=0):
    label = f"deep {depth}" + (f" {env}" if env else "")
    with e2e_lib.Fixture(fixture_path, ["deep", str(depth)]) as fixture:
        path = os.path.join(work, f"deep{depth}.pb")
        rc, err, seconds = e2e_lib.run_ddreport(ddreport, ["--pid", str(fixture.pid), "-o", path],
                                                env)
        checks.check(rc == expected_exit,
                     f"{label}: ddreport exit {expected_exit} (got {rc}) in {seconds * 1000:.0f} ms",
                     err)
        checks.check(fixture.stopped_tasks() == {} and fixture.ping(),
                     f"{label}: fixture running and answering afterwards")
    report = e2e_lib.query_json(ddquery, path)
    threads = [t for t in report.get("threads", []) if t.get("name") == "deep"]
    if not checks.check(len(threads) == 1, f"{label}: one thread named deep"):
        return None
    return label, threads[0], report


def main():
    ddreport, ddquery, fixture_path = e2e_lib.tools()
    checks = e2e_lib.Checks("deep_stack_test")
    work = e2e_lib.work_dir("deep")

    for depth, env in ((400, {}), (1000, {}), (3000, {"DDCRASH_MAX_FRAMES": "4096"})):
        got = snapshot(checks, ddreport, ddquery, fixture_path, depth, env, work)
        if got is None:
            continue
        label, thread, _ = got
        names = e2e_lib.function_names(thread)
        frames = thread.get("frames", [])
        count = names.count(DEEP)
        print(f"{label}: {len(names)} frames, {count} of them {DEEP}", flush=True)
        checks.check(count == depth, f"{label}: exactly {depth} Deep frames (got {count})")
        checks.check(names[:2] == ["pause", "native_fixture::Park()"] and
                     names[2:2 + depth] == [DEEP] * depth and
                     names[2 + depth:] and names[2 + depth] == "native_fixture::DeepMain(void*)" and
                     names[3 + depth:4 + depth] == ["start_thread"] and
                     len(names) == depth + 5,
                     f"{label}: pause, Park, Deep x{depth}, DeepMain, start_thread, clone3",
                     f"first {names[:4]}, last {names[-4:]}")
        checks.check(not thread.get("truncated") and not thread.get("error"),
                     f"{label}: not truncated, no error")
        trusts = {f.get("trust") for f in frames[1:]}
        checks.check(trusts == {"FRAME_TRUST_CFI"}, f"{label}: every caller frame from CFI",
                     trusts)

    # A cut stack is missing information: exit 1 (partial) and a reason naming the limit.
    got = snapshot(checks, ddreport, ddquery, fixture_path, 1500, {}, work, expected_exit=1)
    if got is not None:
        label, thread, report = got
        diagnostics = report.get("diagnostics", {})
        reasons = [r.get("reason", "") for r in diagnostics.get("incompleteReasons", [])]
        checks.check(diagnostics.get("incomplete") is True and
                     any("DDCRASH_MAX_FRAMES" in r for r in reasons),
                     f"{label}: report incomplete, reason names DDCRASH_MAX_FRAMES", reasons)
        names = e2e_lib.function_names(thread)
        print(f"{label}: {len(names)} frames, truncated={thread.get('truncated', False)}",
              flush=True)
        checks.check(len(names) == 1024 and thread.get("truncated") is True,
                     f"{label}: cut at DDCRASH_MAX_FRAMES (1024 frames) and marked truncated "
                     f"(got {len(names)}, truncated={thread.get('truncated', False)})")
        checks.check(names[:2] == ["pause", "native_fixture::Park()"] and
                     names[2:] == [DEEP] * 1022, f"{label}: pause, Park, Deep x1022")
    checks.finish()


if __name__ == "__main__":
    main()
