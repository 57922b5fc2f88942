#!/usr/bin/env bash
# The shipped binaries must run on any x86-64 glibc system from glibc 2.17 on, with nothing else
# installed (README.md, "Supported systems"): every NEEDED entry is one of glibc's own
# libraries (every third-party library, libstdc++ and libgcc too, is linked statically), and
# no symbol version required is newer than GLIBC_2.17 (third_party/glibc explains how).
set -euo pipefail
allowed='^(libc\.so\.6|libm\.so\.6|libdl\.so\.2|libpthread\.so\.0|librt\.so\.1|ld-linux-x86-64\.so\.2)$'
floor=2.17
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

  # The version needs (.gnu.version_r): "0x...: Name: GLIBC_2.34  Flags: none  Version: 5".
  versions=$(readelf -V --wide "$binary" | sed -n '/\.gnu\.version_r/,$s/.*Name: \([^ ]*\).*Flags.*/\1/p' | sort -uV)
  [ -n "$versions" ] || { echo "FAIL: $binary: no symbol versions read"; status=1; continue; }
  while read -r version; do
    if ! [[ "$version" =~ ^GLIBC_[0-9.]+$ ]]; then
      echo "FAIL: $binary needs symbol version $version (only glibc's are allowed)"
      status=1
    elif [ "$(printf '%s\n%s\n' "${version#GLIBC_}" "$floor" | sort -V | tail -1)" != "$floor" ]; then
      symbols=$(objdump -T "$binary" | awk -v v="$version" '$0 ~ "[( ]" v "[) ]" {print $NF}' | sort -u)
      echo "FAIL: $binary needs $version (newer than GLIBC_$floor) for: $(echo $symbols)"
      status=1
    fi
  done <<< "$versions"
  echo "$binary: versions $(echo $versions)"
done
exit $status
