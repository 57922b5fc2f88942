#!/usr/bin/env bash
# Installs what //tests/fleet:otlp_test verifies the OTLP output with: the OpenTelemetry
# project's own JavaScript packages (its generated OTLP protobuf types and the semantic
# conventions), from npm, pinned, into one directory outside the tree. Idempotent; quick when
# they are there. Node.js and npm come from Debian when missing.
set -euo pipefail

dir="${DDCRASH_TEST_NODE_DIR:-/opt/ddcrash-test-node}"
# 0.57.x is the last otlp-transformer line that ships the generated protobufjs types
# (build/src/generated/root.js); later versions hand-write their serializers.
packages=(@opentelemetry/otlp-transformer@0.57.2 @opentelemetry/semantic-conventions@1.28.0)

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends nodejs npm
fi

stamp="$dir/.installed"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "${packages[*]}" ]; then
  exit 0
fi
mkdir -p "$dir"
echo "setup: npm install ${packages[*]} into $dir"
npm install --prefix "$dir" --no-audit --no-fund --no-save "${packages[@]}"
echo "${packages[*]}" > "$stamp"
