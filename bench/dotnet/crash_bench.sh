#!/usr/bin/env bash
# `bazel run //bench/dotnet:crash_bench -- [--runs N] [--tfms ...] [--modes ...]`
# Needs the published test apps (tests/dotnet/build.sh); prints a markdown table.
#   usage: crash_bench.sh CRASH_BENCH_PY LIBDDHOOK DDREPORT DDQUERY BUILD_SH [options...]
set -euo pipefail
bench_py=$(realpath "$1"); hook=$(realpath "$2"); ddreport=$(realpath "$3")
ddquery=$(realpath "$4"); build_sh=$(realpath "$5"); shift 5
out=${DDCRASH_DOTNET_OUT:-$(dirname "$build_sh")/out}
[ -x "$out/testapp/net8.0/Ddcrash.TestApp" ] || { echo "run tests/dotnet/build.sh first" >&2; exit 1; }
exec python3 "$bench_py" --hook "$hook" --ddreport "$ddreport" --ddquery "$ddquery" --out "$out" "$@"
