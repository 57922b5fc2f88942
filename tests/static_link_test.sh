#!/usr/bin/env bash
# ddreport and ddquery must run on any glibc system with nothing else installed: every
# third-party library (libstdc++ and libgcc too) is linked statically.
set -euo pipefail
allowed='^(libc\.so\.6|libm\.so\.6|libdl\.so\.2|libpthread\.so\.0|librt\.so\.1|ld-linux-x86-64\.so\.2)$'
status=0
for binary in "$@"; do
  needed=$(readelf -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
  [ -n "$needed" ] || { echo "FAIL: $binary: no NEEDED entries read"; status=1; continue; }
  while read -r lib; do
    if ! [[ "$lib" =~ $allowed ]]; then
      echo "FAIL: $binary needs $lib (only glibc is allowed)"
      status=1
    fi
  done <<< "$needed"
  echo "$binary: NEEDED $(echo $needed)"
done
exit $status
