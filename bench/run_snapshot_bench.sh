#!/usr/bin/env bash
# bazel run //bench:snapshot -- [RUNS]
set -euo pipefail
bench=$(realpath "$1"); ddreport=$(realpath "$2"); target=$(realpath "$3"); shift 3
exec "$bench" "$ddreport" "$target" "$@"
