#!/usr/bin/env bash
# The main job, on a fresh machine: set up, build ddcrash, crash a sample .NET app with
# libddhook.so preloaded, and show the report ddreport wrote for it.
#   usage: ./demo.sh [net8.0|net9.0|net10.0] [crash mode]   (default: net10.0 crash-worker)
set -euo pipefail
cd "$(dirname "$0")"
tfm=${1:-net10.0}
mode=${2:-crash-worker}

./setup.sh
tests/dotnet/build.sh "$tfm"
bazel build //cli:ddreport //cli:ddquery //hook:libddhook.so

# Deploy as a user would: ddreport beside the preload library.
deploy=$(mktemp -d /tmp/ddcrash-demo.XXXXXX)
install -m 0755 bazel-bin/cli/ddreport bazel-bin/cli/ddquery bazel-bin/hook/libddhook.so "$deploy/"

echo
echo "== LD_PRELOAD=$deploy/libddhook.so Ddcrash.TestApp $mode   ($tfm)"
set +e
LD_PRELOAD="$deploy/libddhook.so" DDCRASH_REPORT_DIR="$deploy/reports" \
  "tests/dotnet/out/testapp/$tfm/Ddcrash.TestApp" "$mode"
echo "(the app exited with status $?, as it would have without ddcrash)"
set -e

report=$(ls -t "$deploy"/reports/ddcrash.*.pb | head -1)
echo
echo "== $deploy/ddquery $report"
"$deploy/ddquery" "$report"
