#!/usr/bin/env bash
# `bazel run //bench/dotnet:bench -- [--runs N] [--tfms net8.0,net10.0] [--threads 10,200]`
# Needs the published test apps (tests/dotnet/build.sh); prints a markdown table.
#   usage: run_bench.sh BENCH_PY DDREPORT DDQUERY RUSAGE_RUN BUILD_SH [bench.py options...]
set -euo pipefail
bench_py=$(realpath "$1"); ddreport=$(realpath "$2"); ddquery=$(realpath "$3")
rusage_run=$(realpath "$4"); build_sh=$(realpath "$5"); shift 5
out=${DDCRASH_DOTNET_OUT:-$(dirname "$build_sh")/out}
[ -x "$out/testapp/net8.0/Ddcrash.TestApp" ] || { echo "run tests/dotnet/build.sh first" >&2; exit 1; }
exec python3 "$bench_py" --ddreport "$ddreport" --ddquery "$ddquery" --rusage-run "$rusage_run" --out "$out" "$@"
