#!/usr/bin/env bash
# Entry point of the real-runtime end-to-end tests (sh_test): finds the published .NET test
# apps and runs one suite of e2e.py (or faults.py) against one runtime.
#   usage: run_e2e.sh SUITE TFM SCRIPT DDREPORT DDQUERY LIBDDHOOK BUILD_SH
# The apps are found at $DDCRASH_DOTNET_OUT/testapp/<tfm> when set, else beside the real
# tests/dotnet/build.sh (its runfile is a symlink into the source tree; out/ is gitignored and
# .bazelignore'd, so Bazel cannot ship it). Missing apps are a FAILURE, never a skip.
set -uo pipefail
suite=$1 tfm=$2
e2e_py=$(realpath "$3"); ddreport=$(realpath "$4"); ddquery=$(realpath "$5")
hook=$(realpath "$6"); build_sh=$(realpath "$7")

if [ -n "${DDCRASH_DOTNET_OUT:-}" ]; then
  out=$DDCRASH_DOTNET_OUT
else
  out=$(dirname "$build_sh")/out
fi
for f in Ddcrash.TestApp libcoreclr.so libmscordaccore.so createdump; do
  if [ ! -f "$out/testapp/$tfm/$f" ]; then
    echo "FAIL: $out/testapp/$tfm/$f is missing: run tests/dotnet/build.sh first"
    exit 1
  fi
done
command -v python3 > /dev/null || { echo "FAIL: python3 is required"; exit 1; }

exec python3 "$e2e_py" --suite "$suite" --tfm "$tfm" --out "$out" \
  --ddreport "$ddreport" --ddquery "$ddquery" --hook "$hook" \
  --workdir "$(mktemp -d "${TEST_TMPDIR:-/tmp}/e2e.XXXXXX")"
