#!/usr/bin/env python3
"""ddreport --pid vs its peers on live .NET apps, in one run:
  ddreport      ddreport --pid PID -o FILE   (native + managed frames, registers, modules...)
  clrmd         ClrmdStacks PID              (ClrMD: attach with the process suspended, walk and
                                              name every managed stack; managed frames only)
  dotnet-stack  dotnet-stack report -p PID   (the runtime's EventPipe stack sampler)
  createdump    <app dir>/createdump --crashreportonly --name DIR/dump.%p PID (the runtime's own)
  baseline      another ddreport build (--baseline-ddreport), to compare two builds in one run

For each runtime and worker-thread count: start `Ddcrash.TestApp live N`, wait for READY, check
once that every peer works on it (exit 0 and the parked methods named in its output), then
RUNS rounds, each tool once per round, in turn, on that same process. Wall time (monotonic
clock around fork..wait4 of the tool) and peak RSS (wait4's ru_maxrss, which includes the
children the tool reaped: ddreport's DAC process) are taken by the small rusage_run launcher;
so is, in one more untimed run, the largest sum of ddreport's and its DAC process's RSS.
ddreport's own stage times come from its report (diagnostics.stages). Prints two markdown
tables: medians per tool with the ratio to ddreport, and the cost per added thread between
consecutive thread counts.
  usage: bench.py --ddreport PATH --ddquery PATH --rusage-run PATH --out DIR_WITH_testapp
                  [--peers DIR (from build_peers.sh)] [--tools ddreport,clrmd,dotnet-stack,createdump]
                  [--runs N] [--tfms net10.0] [--threads 10,100,1000,5000]
                  [--createdump-max-workers 1000] [--baseline-ddreport PATH]
"""
import argparse
import json
import os
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time


RUSAGE_RUN = None
ALL_TOOLS = ("ddreport", "clrmd", "dotnet-stack", "createdump", "baseline")


def clean_env():
    return {k: v for k, v in os.environ.items()
            if not k.startswith(("DOTNET_", "COMPlus_", "DDCRASH_")) and k != "LD_PRELOAD"}


def timed(argv):
    """Runs argv under rusage_run; returns (exit status, wall ms, peak RSS KiB).

    rusage_run, not Python, forks the tool: Linux would otherwise charge the forking Python's
    own RSS to the tool's ru_maxrss."""
    p = subprocess.run([RUSAGE_RUN] + argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       text=True, env=clean_env())
    ms, rss = p.stderr.strip().splitlines()[-1].split()
    return p.returncode, float(ms), int(rss)


def both_processes_rss(argv):
    """Peak of ddreport's and its DAC process's RSS together (KiB), from one more run that
    rusage_run samples every 0.2 ms (sampling takes CPU: that run is not timed)."""
    p = subprocess.run([RUSAGE_RUN, "--sample-rss"] + argv, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True, env=clean_env())
    if p.returncode != 0:
        raise RuntimeError("%s exited %d under sampling" % (argv[0], p.returncode))
    return int(p.stderr.strip().splitlines()[-1].split()[2])


def start_live(app, n):
    p = subprocess.Popen([app, "live", str(n)], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True, env=clean_env())
    deadline = time.monotonic() + 600
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


def report_facts(ddquery, report):
    r = json.loads(subprocess.run([ddquery, report, "--json"], capture_output=True, text=True,
                                  check=True).stdout)
    stages = {s["stage"]: int(s["durationNanos"]) / 1e6
              for s in r["diagnostics"].get("stages", [])}
    return stages, len(r["threads"]), r["diagnostics"].get("incomplete", [])


class Tools:
    def __init__(self, a, app_dir, work):
        self.a = a
        self.app_dir = app_dir
        self.work = work

    def argv(self, tool, pid):
        if tool in ("ddreport", "baseline"):
            binary = self.a.ddreport if tool == "ddreport" else self.a.baseline_ddreport
            return [binary, "--pid", str(pid), "-o", os.path.join(self.work, tool + ".pb")]
        if tool == "clrmd":
            return [os.path.join(self.a.peers, "clrmd", "ClrmdStacks"), str(pid)]
        if tool == "dotnet-stack":
            return [os.path.join(self.a.peers, "dotnet-stack", "dotnet-stack"), "report", "-p",
                    str(pid)]
        cd_dir = os.path.join(self.work, "cd")
        shutil.rmtree(cd_dir, ignore_errors=True)
        os.makedirs(cd_dir)
        return [os.path.join(self.app_dir, "createdump"), "--crashreportonly", "--name",
                os.path.join(cd_dir, "dump.%p"), str(pid)]

    @staticmethod
    def run(argv):
        p = subprocess.run(argv, capture_output=True, text=True, env=clean_env())
        if p.returncode != 0:
            raise RuntimeError("exited %d: %s" % (p.returncode, p.stderr.strip()[-500:]))
        return p.stdout

    def check(self, tool, pid):
        """One untimed run whose output must name the app's parked methods."""
        if tool in ("ddreport", "baseline"):
            argv = self.argv(tool, pid)
            self.run(argv)
            out = self.run([self.a.ddquery, argv[-1]])
        elif tool == "createdump":
            self.run(self.argv(tool, pid))
            reports = [f for f in os.listdir(os.path.join(self.work, "cd"))
                       if f.endswith(".crashreport.json")]
            if not reports:
                raise RuntimeError("createdump wrote no crash report")
            out = open(os.path.join(self.work, "cd", reports[0])).read()
        else:
            out = self.run(self.argv(tool, pid) + (["--print"] if tool == "clrmd" else []))
        if "ParkHere" not in out:
            raise RuntimeError("%s did not name Parker.ParkHere:\n%s" % (tool, out[-2000:]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ddreport", required=True)
    ap.add_argument("--ddquery", required=True)
    ap.add_argument("--rusage-run", required=True)
    ap.add_argument("--out", required=True, help="directory holding testapp/<tfm>/")
    ap.add_argument("--peers", help="directory build_peers.sh filled")
    ap.add_argument("--tools", default=",".join(ALL_TOOLS[:-1]))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--tfms", default="net10.0")
    ap.add_argument("--threads", default="10,100,1000,5000", help="parked worker counts")
    ap.add_argument("--createdump-max-workers", type=int, default=1000,
                    help="createdump takes ~7 ms per thread: skip it above this")
    ap.add_argument("--baseline-ddreport", help="the ddreport build the baseline tool runs")
    a = ap.parse_args()
    global RUSAGE_RUN
    RUSAGE_RUN = a.rusage_run
    tools = [t for t in a.tools.split(",") if t]
    if any(t not in ALL_TOOLS for t in tools) or tools[:1] != ["ddreport"]:
        ap.error("--tools: ddreport first, then any of " + ", ".join(ALL_TOOLS[1:]))
    if any(t in ("clrmd", "dotnet-stack") for t in tools) and not a.peers:
        ap.error("--peers is needed for clrmd and dotnet-stack")
    if ("baseline" in tools) != bool(a.baseline_ddreport):
        ap.error("the baseline tool and --baseline-ddreport go together")
    work = tempfile.mkdtemp(prefix="ddcrash-bench-")
    rows = []  # (tfm, workers, threads, {tool: (median ms, max rss KiB)}, stages medians)
    for tfm in a.tfms.split(","):
        app_dir = os.path.join(a.out, "testapp", tfm)
        t = Tools(a, app_dir, work)
        for n in [int(x) for x in a.threads.split(",")]:
            these = [x for x in tools if x != "createdump" or n <= a.createdump_max_workers]
            p = start_live(os.path.join(app_dir, "Ddcrash.TestApp"), n)
            failed = {}
            try:
                # A tool that fails its check on this process is left out of the row (its cells
                # say "failed"), the others still run.
                for tool in list(these):
                    try:
                        t.check(tool, p.pid)
                    except RuntimeError as e:
                        print("# %s %s N=%d: %s" % (tfm, tool, n, e), file=sys.stderr, flush=True)
                        if tool == "ddreport":
                            raise
                        failed[tool] = True
                        these.remove(tool)
                times = {tool: [] for tool in these}
                failures = {}  # a peer's failed timed runs: counted, left out of its median
                stages = {}
                threads = 0
                for _ in range(a.runs):
                    for tool in these:
                        rc, ms, rss = timed(t.argv(tool, p.pid))
                        if rc != 0:
                            if tool == "ddreport":
                                raise RuntimeError("ddreport exited %d" % rc)
                            failures[tool] = failures.get(tool, 0) + 1
                            continue
                        times[tool].append((ms, rss))
                        if tool == "ddreport":
                            st, threads, incomplete = report_facts(a.ddquery,
                                                                   t.argv(tool, p.pid)[-1])
                            if incomplete:
                                raise RuntimeError("ddreport's report is incomplete: %s"
                                                   % incomplete)
                            for k, v in st.items():
                                stages.setdefault(k, []).append(v)
                together = {tool: both_processes_rss(t.argv(tool, p.pid))
                            for tool in these if tool in ("ddreport", "baseline")}
                if p.poll() is not None:
                    raise RuntimeError("the live app died during the benchmark")
            finally:
                p.send_signal(signal.SIGKILL)
                p.wait()
            med = {tool: (statistics.median(x[0] for x in v), max(x[1] for x in v)) if v else None
                   for tool, v in times.items()}
            med.update({tool: None for tool in failed})
            rows.append((tfm, n, threads, med,
                         {k: statistics.median(v) for k, v in stages.items()},
                         {k: "%d/%d" % (v, a.runs) for k, v in failures.items()}, together))
            print("# %s N=%d done: %s" % (tfm, n, {k: v and v[0] for k, v in med.items()}),
                  file=sys.stderr, flush=True)
    shutil.rmtree(work, ignore_errors=True)

    together_tools = [x for x in tools if x in ("ddreport", "baseline")]

    def cell(med, tool, fmt):
        if tool not in med:
            return "-"
        return fmt(med[tool]) if med[tool] is not None else "failed"

    print("| runtime | workers | threads | " +
          " | ".join("%s (median ms)" % x for x in tools) + " | " +
          " | ".join("%s / ddreport" % x for x in tools[1:]) +
          " | ddreport attach / unwind / dac / merge / detach (ms) | " +
          " | ".join("%s peak RSS (MiB)" % x for x in tools) + " | " +
          " | ".join("%s + DAC process together (MiB)" % x for x in together_tools) +
          " | failed runs |")
    print("|---|---:|---:|" + "---:|" * (3 * len(tools) + len(together_tools)) + "---|")
    for tfm, n, threads, med, st, fails, together in rows:
        base = med["ddreport"][0]
        print("| %s | %d | %d | " % (tfm, n, threads) +
              " | ".join(cell(med, x, lambda v: "%.0f" % v[0]) for x in tools) + " | " +
              " | ".join(cell(med, x, lambda v: "%.2fx" % (v[0] / base)) for x in tools[1:]) +
              " | %.0f / %.0f / %.0f / %.0f / %.0f | " % tuple(
                  st.get(k, float("nan")) for k in ("attach", "unwind", "dac", "merge", "detach")) +
              " | ".join(cell(med, x, lambda v: "%.1f" % (v[1] / 1024.0)) for x in tools) +
              " | " + " | ".join("%.1f" % (together[x] / 1024.0) if x in together else "-"
                                 for x in together_tools) +
              " | %s |" % (", ".join("%s %s" % kv for kv in sorted(fails.items())) or "none"))
    print()
    print("Cost per added thread (ms), between consecutive rows of one runtime:")
    print()
    print("| runtime | threads | " + " | ".join(tools) + " |")
    print("|---|---|" + "---:|" * len(tools))
    for prev, cur in zip(rows, rows[1:]):
        if prev[0] != cur[0] or cur[2] == prev[2]:
            continue
        added = cur[2] - prev[2]
        print("| %s | %d -> %d | " % (cur[0], prev[2], cur[2]) +
              " | ".join("%.3f" % ((cur[3][x][0] - prev[3][x][0]) / added)
                         if cur[3].get(x) and prev[3].get(x) else "-" for x in tools) + " |")
    print()
    print("%d rounds per row, every tool once per round on the same live process; medians; "
          "peak RSS is wait4's ru_maxrss (max over runs: the larger of ddreport and its DAC "
          "process); \"together\" is the largest sum of both processes' RSS, sampled every "
          "0.2 ms in one more, untimed run." % a.runs)


if __name__ == "__main__":
    sys.exit(main())
