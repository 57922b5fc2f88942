#!/usr/bin/env bash
# `bazel run //bench/dotnet:bench -- [--runs N] [--tfms net10.0] [--threads 10,100,1000,5000]
#   [--tools ddreport,clrmd,dotnet-stack,createdump]`
# Needs the published test apps (tests/dotnet/build.sh); builds the peers (build_peers.sh) into
# DDCRASH_BENCH_PEERS (default: <test app out dir>/bench-peers); prints markdown tables.
#   usage: run_bench.sh BENCH_PY DDREPORT DDQUERY RUSAGE_RUN BUILD_SH BUILD_PEERS_SH [bench.py options...]
set -euo pipefail
bench_py=$(realpath "$1"); ddreport=$(realpath "$2"); ddquery=$(realpath "$3")
rusage_run=$(realpath "$4"); build_sh=$(realpath "$5"); build_peers=$(realpath "$6"); shift 6
out=${DDCRASH_DOTNET_OUT:-$(dirname "$build_sh")/out}
[ -x "$out/testapp/net10.0/Ddcrash.TestApp" ] || { echo "run tests/dotnet/build.sh first" >&2; exit 1; }
peers=${DDCRASH_BENCH_PEERS:-$out/bench-peers}
"$build_peers" "$peers"
exec python3 "$bench_py" --ddreport "$ddreport" --ddquery "$ddquery" --rusage-run "$rusage_run" \
  --out "$out" --peers "$peers" "$@"
