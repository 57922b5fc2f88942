#!/usr/bin/env python3
"""What a crash costs the crashing app: no reporter, ddcrash's hook, or the runtime's own
crash report (createdump, DOTNET_EnableCrashReportOnly=1), on the same crash.

For each runtime and crash mode, RUNS rounds; each round runs the app once per setup, in turn:
  none       the app alone: the runtime prints the exception and aborts
  ddcrash    LD_PRELOAD=libddhook.so: ddreport writes its report (with its checkpoints)
  createdump DOTNET_DbgEnableMiniDump=1 DOTNET_EnableCrashReportOnly=1: createdump writes its
             crash report (.crashreport.json), no dump
Wall time is the app's, from fork to exit as the parent sees it. The added time is a setup's
median minus none's; the ratio is createdump's added time over ddcrash's. "checkpoints" is the
part of ddreport's own total (diagnostics.totalDurationNanos) outside its timed stages:
argument parsing, process info and the three checkpoint writes.
  usage: crash_bench.py --hook PATH --ddreport PATH --ddquery PATH --out DIR [--runs N]
                        [--tfms net8.0,net10.0] [--modes crash-worker]
"""
import argparse
import glob
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DOTNET_", "COMPlus_", "DDCRASH_")) and k != "LD_PRELOAD"}
    env.update(extra)
    return env


def run(argv, env):
    start = time.monotonic()
    p = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return p.returncode, (time.monotonic() - start) * 1000.0


def outside_stages_ms(ddquery, report):
    r = json.loads(subprocess.run([ddquery, report, "--json"], capture_output=True, text=True,
                                  check=True).stdout)
    d = r["diagnostics"]
    staged = sum(int(s["durationNanos"]) for s in d.get("stages", []))
    return (int(d["totalDurationNanos"]) - staged) / 1e6, int(d["totalDurationNanos"]) / 1e6


def main():
    ap = argparse.ArgumentParser()
    for k in ("hook", "ddreport", "ddquery", "out"):
        ap.add_argument("--" + k, required=True)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--tfms", default="net8.0,net10.0")
    ap.add_argument("--modes", default="crash-worker")
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="ddcrash-crash-bench-")
    rows = []
    for tfm in a.tfms.split(","):
        app = os.path.join(a.out, "testapp", tfm, "Ddcrash.TestApp")
        for mode in a.modes.split(","):
            argv = [app] + mode.split(":")
            times = {"none": [], "ddcrash": [], "createdump": []}
            ours_total, ours_outside = [], []
            for i in range(a.runs):
                d = os.path.join(work, "%s-%d" % (tfm, i))
                os.makedirs(d)
                rc0, ms = run(argv, clean_env())
                times["none"].append(ms)
                rc1, ms = run(argv, clean_env(LD_PRELOAD=a.hook, DDCRASH_REPORTER=a.ddreport,
                                              DDCRASH_REPORT_DIR=d))
                times["ddcrash"].append(ms)
                reports = glob.glob(os.path.join(d, "ddcrash.*.pb"))
                if rc1 != rc0 or len(reports) != 1:
                    raise RuntimeError("%s %s: ddcrash run exited %d (alone %d), %d reports"
                                       % (tfm, mode, rc1, rc0, len(reports)))
                outside, total = outside_stages_ms(a.ddquery, reports[0])
                ours_outside.append(outside)
                ours_total.append(total)
                rc2, ms = run(argv, clean_env(DOTNET_DbgEnableMiniDump="1",
                                              DOTNET_EnableCrashReportOnly="1",
                                              DOTNET_DbgMiniDumpName=os.path.join(d, "dump.%p")))
                times["createdump"].append(ms)
                if rc2 != rc0 or not glob.glob(os.path.join(d, "*.crashreport.json")):
                    raise RuntimeError("%s %s: createdump run exited %d, no crash report"
                                       % (tfm, mode, rc2))
                shutil.rmtree(d)
            med = {k: statistics.median(v) for k, v in times.items()}
            ours = med["ddcrash"] - med["none"]
            theirs = med["createdump"] - med["none"]
            rows.append((tfm, mode, med["none"], med["ddcrash"], med["createdump"], ours, theirs,
                         theirs / ours if ours > 0 else float("nan"),
                         statistics.median(ours_total), statistics.median(ours_outside)))
            print("# %s %s done" % (tfm, mode), file=sys.stderr, flush=True)
    shutil.rmtree(work, ignore_errors=True)
    print("| runtime | crash | app alone (ms) | with ddcrash (ms) | with createdump crash report "
          "(ms) | ddcrash adds (ms) | createdump adds (ms) | createdump / ddcrash (added) | "
          "ddreport total (ms) | of which checkpoints etc. (ms) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print("| %s | %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.1fx | %.0f | %.1f |" % r)
    print()
    print("%d rounds per row, the three setups in turn; medians." % a.runs)


if __name__ == "__main__":
    sys.exit(main())
