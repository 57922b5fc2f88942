#!/usr/bin/env bash
# Installs what building and testing ddcrash needs on a fresh Debian 12 machine (idempotent,
# quick when everything is there). Everything comes from Debian's archive; nothing else is
# downloaded except the .NET runtime packs that tests/dotnet/build.sh restores from NuGet.
set -euo pipefail

packages=(
  bazel-bootstrap g++ pkg-config python3
  libabsl-dev libprotobuf-dev protobuf-compiler libre2-dev libgtest-dev libgmock-dev
  libunwind-dev liblzma-dev zlib1g-dev systemtap-sdt-dev
  clang-14 libclang-rt-14-dev
  elfutils gdb binutils libc6-dbg bpftrace hyperfine
  debootstrap  # tests/olddistro: the Debian 11 root filesystem
  libdebuginfod1 debuginfod  # ddquery --symbolize (dlopen'ed) and the server its test runs
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# bpftrace needs tracefs (the mmap ledger and USDT checks use it).
if [ -d /sys/kernel/tracing ] && ! mountpoint -q /sys/kernel/tracing 2>/dev/null; then
  mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null || true
fi

"$(dirname "$0")/tests/fleet/setup_otlp_node.sh"  # the OpenTelemetry packages //tests/fleet:otlp_test checks with
