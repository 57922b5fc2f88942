#!/usr/bin/env python3
"""ddreport --pid vs the runtime's own `createdump --crashreportonly` on live .NET apps.

For each runtime and worker-thread count: start `Ddcrash.TestApp live N`, wait for READY, then
alternate RUNS times between
  ddreport --pid PID -o FILE
  <app dir>/createdump --crashreportonly --name DIR/dump.%p PID
(the createdump published beside the app, i.e. the runtime's own), measuring each tool's wall
time (monotonic clock around fork..wait4) and peak RSS (wait4's ru_maxrss of that child, its
reaped children included), both taken by the small rusage_run launcher.
Also reports the "dac" stage duration from ddreport's diagnostics.stages. Prints a markdown
table (medians).
  usage: bench.py --ddreport PATH --ddquery PATH --rusage-run PATH --out DIR_WITH_testapp [--runs N] [--tfms net8.0,net10.0]
                  [--threads 10,200]
"""
import argparse
import os
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time


RUSAGE_RUN = None


def timed(argv):
    """Runs argv under rusage_run; returns (exit status, wall ms, peak RSS KiB).

    The peak RSS is wait4's ru_maxrss of the tool, which includes the children it reaped
    (ddreport's DAC process). rusage_run, not Python, forks the tool: Linux would otherwise
    charge the forking Python's own RSS to the tool's ru_maxrss."""
    p = subprocess.run([RUSAGE_RUN] + argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       text=True)
    ms, rss = p.stderr.strip().splitlines()[-1].split()
    return p.returncode, float(ms), int(rss)


def start_live(app, n):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DOTNET_", "DDCRASH_")) and k != "LD_PRELOAD"}
    p = subprocess.Popen([app, "live", str(n)], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        r, _, _ = select.select([p.stdout], [], [], 0.5)
        if r:
            line = p.stdout.readline()
            if line.startswith("READY"):
                return p
            if not line:
                break
    p.kill()
    raise RuntimeError("live app %s %d never got READY" % (app, n))


def dac_ms(ddquery, report):
    import json
    out = subprocess.run([ddquery, report, "--json"], capture_output=True, text=True,
                         check=True).stdout
    r = json.loads(out)
    for s in r["diagnostics"].get("stages", []):
        if s["stage"] == "dac":
            return int(s["durationNanos"]) / 1e6, len(r["threads"])
    return float("nan"), len(r["threads"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ddreport", required=True)
    ap.add_argument("--ddquery", required=True)
    ap.add_argument("--rusage-run", required=True)
    ap.add_argument("--out", required=True, help="directory holding testapp/<tfm>/")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--tfms", default="net8.0,net10.0")
    ap.add_argument("--threads", default="10,200")
    a = ap.parse_args()
    global RUSAGE_RUN
    RUSAGE_RUN = a.rusage_run
    work = tempfile.mkdtemp(prefix="ddcrash-bench-")
    rows = []
    for tfm in a.tfms.split(","):
        app_dir = os.path.join(a.out, "testapp", tfm)
        app = os.path.join(app_dir, "Ddcrash.TestApp")
        createdump = os.path.join(app_dir, "createdump")
        for n in [int(x) for x in a.threads.split(",")]:
            p = start_live(app, n)
            try:
                ours, theirs, dacs = [], [], []
                threads = 0
                for i in range(a.runs):
                    rep = os.path.join(work, "r.pb")
                    rc, ms, rss = timed([a.ddreport, "--pid", str(p.pid), "-o", rep])
                    if rc != 0:
                        raise RuntimeError("ddreport exited %d" % rc)
                    ours.append((ms, rss))
                    d, threads = dac_ms(a.ddquery, rep)
                    dacs.append(d)
                    cd_dir = os.path.join(work, "cd")
                    shutil.rmtree(cd_dir, ignore_errors=True)
                    os.makedirs(cd_dir)
                    rc, ms, rss = timed([createdump, "--crashreportonly", "--name",
                                         os.path.join(cd_dir, "dump.%p"), str(p.pid)])
                    if rc != 0 or not os.listdir(cd_dir):
                        raise RuntimeError("createdump exited %d" % rc)
                    theirs.append((ms, rss))
                if p.poll() is not None:
                    raise RuntimeError("the live app died during the benchmark")
            finally:
                p.send_signal(signal.SIGKILL)
                p.wait()
            med = lambda xs: statistics.median(xs)
            o_ms, o_rss = med([x[0] for x in ours]), max(x[1] for x in ours)
            c_ms, c_rss = med([x[0] for x in theirs]), max(x[1] for x in theirs)
            rows.append((tfm, n, threads, o_ms, c_ms, c_ms / o_ms, med(dacs), o_rss / 1024.0,
                         c_rss / 1024.0))
            print("# %s N=%d done" % (tfm, n), file=sys.stderr, flush=True)
    shutil.rmtree(work, ignore_errors=True)
    print("| runtime | workers | threads | ddreport --pid (median ms) | createdump "
          "--crashreportonly (median ms) | createdump / ddreport | ddreport dac stage "
          "(median ms) | ddreport peak RSS (MiB) | createdump peak RSS (MiB) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print("| %s | %d | %d | %.0f | %.0f | %.1fx | %.0f | %.1f | %.1f |" % r)
    print()
    print("%d runs per row, alternating the two tools on the same live process; wall time is "
          "fork..wait4 of the tool; peak RSS is wait4's ru_maxrss (max over runs)." % a.runs)


if __name__ == "__main__":
    sys.exit(main())
