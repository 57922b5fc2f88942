#!/usr/bin/env bash
# Builds every libFuzzer target (Bazel targets tagged "fuzzer") with clang + ASan + UBSan and
# runs each for a bounded time on its corpus: <package>/testdata/<stem>_corpus/ for
# //<package>:<stem>_fuzzer. New inputs go to a scratch copy, never into the repository; add a
# crashing input to the corpus by hand so the corpus test replays it forever.
#   usage: tools/run_fuzzers.sh [SECONDS_PER_TARGET]   (default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-20}
# The targets, found by the workspace's own Bazel server (a server with another output base
# would walk into this workspace's bazel-* convenience links).
mapfile -t targets < <(bazel query --noshow_progress 'attr(tags, "\bfuzzer\b", //...)')
# A separate output base beside the main one: switching compilers must not invalidate the
# main build's cache.
bazel_fuzz=(bazel --output_base="$(bazel info output_base)-fuzz")
[ ${#targets[@]} -gt 0 ] || { echo "run_fuzzers: no fuzz targets found" >&2; exit 1; }
"${bazel_fuzz[@]}" build --config=fuzz "${targets[@]}"
bin=$("${bazel_fuzz[@]}" info --config=fuzz bazel-bin 2>/dev/null)
status=0
for target in "${targets[@]}"; do
  package=${target#//}; package=${package%%:*}
  name=${target##*:}
  corpus="$package/testdata/${name%_fuzzer}_corpus"
  scratch=$(mktemp -d)
  [ -d "$corpus" ] && cp -r "$corpus"/. "$scratch"/
  echo "== $target (${seconds}s, corpus $corpus)"
  if ! "$bin/$package/$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$scratch/" "$scratch" 2>&1 | tail -n 3; then
    echo "FAIL: $target found a crash; inputs are in $scratch" >&2
    status=1
    continue
  fi
  rm -rf "$scratch"
done
exit $status
