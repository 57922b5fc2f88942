#!/usr/bin/env bash
# The release: builds the shipped binaries and writes dist/ddcrash-<version>-linux-x64.tar.gz
# and dist/ddcrash_<version>_amd64.deb (or into the directory given).
#   release/build.sh [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-dist}
bazel build //cli:ddreport //cli:ddquery //hook:libddhook.so
bin=$(bazel info bazel-bin)
release/package.sh "$out" "$bin/cli/ddreport" "$bin/cli/ddquery" "$bin/hook/libddhook.so" \
  README.md release/LICENSE release/install.sh
