#!/usr/bin/env python3
"""ddreport --pid against eu-stack (elfutils) on the same parked process.

native_fixture `shapes` (8 threads with distinct recursion shapes, -O2 -fomit-frame-pointer,
plus the main thread blocked in fgets) and `deep 450` are snapshotted with ddreport, then
eu-stack walks the same process (ddreport detached; every thread is parked, so the stacks
are unchanged). Asserted:
  - the same set of TIDs;
  - per thread, at every index both tools have, the same frame address (eu-stack prints the
    pc of frame 0 and return addresses above it, as the report does);
  - per thread, wherever eu-stack names a function, our frame at that index has the same
    name -- exactly, or after dropping a symbol version suffix (@@GLIBC_2.34), or as an
    alias (another name of the same symbol address in that module, e.g. read/__read);
  - per thread, our frame count >= eu-stack's;
  - independently of eu-stack, each shape thread's fixture frames are the expected sequence.
The match counts go to the test log.
"""

import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_lib  # noqa: E402

EXPECTED_SHAPES = {
    "shape-0": ["Park"] + ["Linear"] * 5 + ["ShapeMain"],
    "shape-1": ["Park"] + ["Ping", "Pong"] * 3 + ["Ping", "ShapeMain"],
    "shape-2": ["Park", "Gamma", "Beta", "Alpha", "ShapeMain"],
    "shape-3": ["Park"] + ["BigFrame"] * 4 + ["ShapeMain"],
    "shape-4": ["Park"] + ["Indirect"] * 3 + ["ShapeMain"],
    "shape-5": ["Park", "Unroll<0>::Go", "Unroll<1>::Go", "Unroll<2>::Go", "Unroll<3>::Go",
                "ShapeMain"],
    "shape-6": ["Park", "Leaf"] + ["Zig", "Zag"] * 2 + ["Zig", "ShapeMain"],
    "shape-7": ["Park"] + ["Medium"] * 60 + ["ShapeMain"],
}

FRAME_LINE = re.compile(r"^#(\d+)\s+0x([0-9a-f]+)(?:\s+(.*?))?\s*$")


def run_eu_stack(pid):
    done = subprocess.run(["eu-stack", "-n", "0", "-p", str(pid)], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=60)
    threads, current = {}, None
    for line in done.stdout.decode(errors="replace").splitlines():
        m = re.match(r"^TID (\d+):", line)
        if m:
            current = threads.setdefault(int(m.group(1)), [])
            continue
        m = FRAME_LINE.match(line)
        if m and current is not None:
            name = (m.group(3) or "").strip()
            if name.startswith("- "):  # "#k 0xADDR - module": no function name
                name = ""
            name = re.sub(r"\s+-\s+\S+$", "", name)  # "function - module" (with -m)
            if name in ("??",):
                name = ""
            if int(m.group(1)) != len(current):
                raise RuntimeError(f"eu-stack frame numbers out of order: {line!r}")
            current.append((int(m.group(2), 16), name))
    return done.returncode, threads, done.stderr.decode(errors="replace")


def strip_version(name):
    return name.split("@", 1)[0]


_symbol_cache = {}


def symbol_addresses(path, build_id):
    """{name: set(values)} from the module's symbol tables and its separate debug file."""
    key = (path, build_id)
    if key in _symbol_cache:
        return _symbol_cache[key]
    files = [path]
    if build_id and len(build_id) > 2:
        debug = f"/usr/lib/debug/.build-id/{build_id[:2]}/{build_id[2:]}.debug"
        if os.path.exists(debug):
            files.append(debug)
    table = {}
    for f in files:
        for extra in ([], ["-D"]):
            done = subprocess.run(["nm", "-C", "--defined-only"] + extra + [f],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            for line in done.stdout.decode(errors="replace").splitlines():
                parts = line.split(" ", 2)
                if len(parts) == 3 and re.fullmatch(r"[0-9a-f]+", parts[0]):
                    table.setdefault(strip_version(parts[2]), set()).add(int(parts[0], 16))
    _symbol_cache[key] = table
    return table


def same_symbol(ours, theirs, module):
    """'exact', 'version', 'alias' or None."""
    if ours == theirs:
        return "exact"
    if strip_version(ours) == strip_version(theirs):
        return "version"
    if module is None:
        return None
    table = symbol_addresses(module.get("path", ""), module.get("buildId", ""))
    a = table.get(strip_version(ours), set())
    b = table.get(strip_version(theirs), set())
    return "alias" if a & b else None


def fixture_sequence(thread):
    """The native_fixture:: frames of a thread, without namespace and parameters."""
    out = []
    for name in e2e_lib.function_names(thread):
        if name.startswith("native_fixture::"):
            out.append(e2e_lib.base_name(name)[len("native_fixture::"):])
    return out


def compare(checks, fixture_path, ddreport, ddquery, args, totals):
    label = "native_fixture " + " ".join(args)
    with e2e_lib.Fixture(fixture_path, args) as fixture:
        work = e2e_lib.work_dir("oracle")
        report_path = os.path.join(work, "report.pb")
        rc, err, seconds = e2e_lib.run_ddreport(ddreport, ["--pid", str(fixture.pid), "-o",
                                                           report_path])
        checks.check(rc == 0, f"{label}: ddreport exit 0 (got {rc}) in {seconds * 1000:.0f} ms",
                     err)
        report = e2e_lib.query_json(ddquery, report_path)
        # The process is parked; wait until ddreport's detach has fully let every thread go.
        checks.check(fixture.wait_not_stopped(1.0) == {}, f"{label}: no task left stopped")
        eu_rc, eu_threads, eu_err = run_eu_stack(fixture.pid)
        checks.check(eu_rc == 0, f"{label}: eu-stack exit 0 (got {eu_rc})", eu_err)
        checks.check(fixture.ping(), f"{label}: fixture answers after both tools")

    by_path = {m.get("path", ""): m for m in report.get("modules", [])}
    ours = {int(t["tid"]): t for t in report.get("threads", [])}
    checks.check(set(ours) == set(eu_threads) and len(ours) > 1,
                 f"{label}: same TIDs ({len(ours)} ours, {len(eu_threads)} eu-stack)",
                 f"ours only: {sorted(set(ours) - set(eu_threads))}, "
                 f"eu-stack only: {sorted(set(eu_threads) - set(ours))}")

    for tid in sorted(set(ours) & set(eu_threads)):
        thread, theirs = ours[tid], eu_threads[tid]
        frames = thread.get("frames", [])
        name = thread.get("name", "")
        checks.check(len(frames) >= len(theirs) and len(theirs) > 0,
                     f"{label}: tid {tid} ({name}): {len(frames)} frames >= eu-stack's "
                     f"{len(theirs)}")
        ip_mismatch, name_mismatch = [], []
        counts = {"exact": 0, "version": 0, "alias": 0, "unnamed": 0}
        for index, (eu_ip, eu_name) in enumerate(theirs[:len(frames)]):
            frame = frames[index]
            our_ip = int(frame.get("ip", "0"))
            if our_ip != eu_ip:
                ip_mismatch.append(f"#{index}: ours {our_ip:#x}, eu-stack {eu_ip:#x}")
            if not eu_name:
                counts["unnamed"] += 1
                continue
            module = by_path.get(frame.get("module", ""))
            how = same_symbol(frame.get("function", ""), eu_name, module)
            if how is None:
                name_mismatch.append(f"#{index}: ours {frame.get('function', '')!r}, "
                                     f"eu-stack {eu_name!r}")
            else:
                counts[how] += 1
        for key in counts:
            totals[key] += counts[key]
        totals["frames"] += min(len(frames), len(theirs))
        totals["mismatch"] += len(name_mismatch) + len(ip_mismatch)
        checks.check(not ip_mismatch, f"{label}: tid {tid}: frame addresses match eu-stack",
                     "\n".join(ip_mismatch))
        checks.check(not name_mismatch,
                     f"{label}: tid {tid}: names match eu-stack ({counts['exact']} exact, "
                     f"{counts['version']} modulo @version, {counts['alias']} aliases, "
                     f"{counts['unnamed']} unnamed by eu-stack)", "\n".join(name_mismatch))
        checks.check(not thread.get("truncated") and not thread.get("error"),
                     f"{label}: tid {tid}: not truncated, no error")
        if name in EXPECTED_SHAPES:
            got = fixture_sequence(thread)
            checks.check(got == EXPECTED_SHAPES[name], f"{label}: {name} has its expected stack",
                         f"got {got}")
    return ours


def main():
    ddreport, ddquery, fixture_path = e2e_lib.tools()
    checks = e2e_lib.Checks("eustack_oracle_test")
    totals = {"frames": 0, "exact": 0, "version": 0, "alias": 0, "unnamed": 0, "mismatch": 0}

    ours = compare(checks, fixture_path, ddreport, ddquery, ["shapes"], totals)
    names = sorted(t.get("name", "") for t in ours.values())
    checks.check(names.count("native_fixture") == 1 and
                 [n for n in names if n.startswith("shape-")] == sorted(EXPECTED_SHAPES),
                 "shapes: main thread plus shape-0..shape-7", names)

    deep = compare(checks, fixture_path, ddreport, ddquery, ["deep", "450"], totals)
    deep_threads = [t for t in deep.values() if t.get("name") == "deep"]
    checks.check(len(deep_threads) == 1 and
                 fixture_sequence(deep_threads[0]) == ["Park"] + ["Deep"] * 450 + ["DeepMain"],
                 "deep 450: Park, Deep x450, DeepMain")

    print(f"eu-stack oracle: {totals['frames']} frames compared, "
          f"{totals['exact'] + totals['version'] + totals['alias']} names matched "
          f"({totals['exact']} exact, {totals['version']} modulo @version, "
          f"{totals['alias']} aliases), {totals['unnamed']} frames eu-stack left unnamed, "
          f"{totals['mismatch']} mismatches", flush=True)
    checks.check(totals["exact"] > 500, f"more than 500 exact name matches ({totals['exact']})")
    checks.finish()


if __name__ == "__main__":
    main()
