#!/usr/bin/env bash
# Sets up a fresh machine and runs every ddcrash test: the whole suite, the unit tests again
# under AddressSanitizer + UndefinedBehaviorSanitizer, and bounded fuzzing of every parser of
# untrusted bytes. Exits non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")"

./setup.sh
if [ -x tests/dotnet/build.sh ]; then
  tests/dotnet/build.sh  # self-contained .NET 8/9/10 test apps for the DAC and crash suites
fi

echo "== bazel test //... (every test)"
bazel test //...

echo "== bazel test --config=asan //... (unit tests under ASan + UBSan)"
bazel test --config=asan //...

echo "== fuzzing every parser of untrusted bytes (bounded)"
tools/run_fuzzers.sh "${DDCRASH_FUZZ_SECONDS:-15}"

echo "== all tests passed"
