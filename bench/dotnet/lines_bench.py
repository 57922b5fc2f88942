#!/usr/bin/env python3
"""What source lines cost at crash time: Ddcrash.LinesApp (tests/dotnet/build_lines.sh, the
release-r2r variant) crashes with N more threads parked, under ddcrash's hook, with its PDB
beside the assembly and, in a copy of the app, without it.

For each runtime, RUNS rounds; each round runs the app once per setup, in turn:
  alone      no reporter
  pdb        the hook; every frame of the app's code gets its line from the PDB
  no pdb     the hook, the PDB removed: every module is still read, and looked for a PDB
From each report: ddreport's total, the "dac" stage (the DAC child: the DAC's walk and the
source lines) and its source-lines part (diagnostics.dac.sourceLinesDurationNanos: reading assemblies and PDBs, mapping every managed
frame). Medians; the shares are of the same run's medians.
  usage: lines_bench.py --hook PATH --ddreport PATH --ddquery PATH --out DIR [--runs N]
                        [--tfms net8.0,net10.0] [--threads 200]
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from crash_bench import clean_env, run  # noqa: E402  (the crash bench's app runner)


def stages_ms(ddquery, report):
    """(total, dac stage, source lines within it, frames with a line) of one report, in ms."""
    r = json.loads(subprocess.run([ddquery, report, "--json"], capture_output=True, text=True,
                                  check=True).stdout)
    d = r["diagnostics"]
    stages = {s["stage"]: int(s.get("durationNanos", 0)) / 1e6 for s in d.get("stages", [])}
    lines = sum(1 for t in r.get("threads", []) for f in t.get("frames", [])
                if (f.get("managed") or {}).get("sourceLine"))
    source_lines = int((d.get("dac") or {}).get("sourceLinesDurationNanos", 0)) / 1e6
    return (int(d["totalDurationNanos"]) / 1e6, stages.get("dac", 0.0), source_lines, lines)


def main():
    ap = argparse.ArgumentParser()
    for k in ("hook", "ddreport", "ddquery", "out"):
        ap.add_argument("--" + k, required=True)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--tfms", default="net8.0,net10.0")
    ap.add_argument("--threads", type=int, default=200)
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="ddcrash-lines-bench-")
    rows = []
    for tfm in a.tfms.split(","):
        app_dir = os.path.join(a.out, "lines", "release-r2r", tfm)
        bare = os.path.join(work, "bare-" + tfm)
        shutil.copytree(app_dir, bare, symlinks=True)
        os.unlink(os.path.join(bare, "Ddcrash.LinesApp.pdb"))
        apps = {"pdb": os.path.join(app_dir, "Ddcrash.LinesApp"),
                "no pdb": os.path.join(bare, "Ddcrash.LinesApp")}
        args = ["threads", str(a.threads)]
        wall = {"alone": [], "pdb": [], "no pdb": []}
        parts = {"pdb": [], "no pdb": []}
        for i in range(a.runs):
            rc0, ms = run([apps["pdb"]] + args, clean_env())
            wall["alone"].append(ms)
            for setup, app in apps.items():
                d = os.path.join(work, "%s-%d-%s" % (tfm, i, setup.replace(" ", "")))
                os.makedirs(d)
                rc, ms = run([app] + args, clean_env(LD_PRELOAD=a.hook,
                                                     DDCRASH_REPORTER=a.ddreport,
                                                     DDCRASH_REPORT_DIR=d))
                reports = glob.glob(os.path.join(d, "ddcrash.*.pb"))
                if rc != rc0 or len(reports) != 1:
                    raise RuntimeError("%s %s: exited %d (alone %d), %d reports"
                                       % (tfm, setup, rc, rc0, len(reports)))
                wall[setup].append(ms)
                parts[setup].append(stages_ms(a.ddquery, reports[0]))
                shutil.rmtree(d)
        med = {k: statistics.median(v) for k, v in wall.items()}
        for setup in ("pdb", "no pdb"):
            total, dac, lines_ms, lines = (statistics.median(p[j] for p in parts[setup])
                                           for j in range(4))
            rows.append((tfm, setup, med["alone"], med[setup], med[setup] - med["alone"], total,
                         dac, lines_ms, 100.0 * lines_ms / total if total else 0.0, lines))
        print("# %s done" % tfm, file=sys.stderr, flush=True)
    shutil.rmtree(work, ignore_errors=True)
    print("| runtime | setup | app alone (ms) | with ddcrash (ms) | ddcrash adds (ms) | "
          "ddreport total (ms) | dac stage (ms) | source lines (ms) | source lines / total | "
          "frames with a line |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print("| %s | %s | %.0f | %.0f | %.0f | %.0f | %.1f | %.1f | %.1f%% | %d |" % r)
    print()
    print("%d rounds per runtime, %d parked threads; the setups in turn; medians." %
          (a.runs, a.threads))


if __name__ == "__main__":
    sys.exit(main())
