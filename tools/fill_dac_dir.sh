#!/usr/bin/env bash
# Fills a DDCRASH_DAC_DIR with the DACs (libmscordaccore.so) of .NET runtimes, for apps that ship
# none (single-file apps): each is copied to
#   DIR/<runtime version>/<GNU build id, lower-case hex>/libmscordaccore.so
# the layout dac/dac_locator.h looks in (README, Configuration). Sources: the runtime packs in
# the NuGet cache (Microsoft.NETCore.App.Runtime.linux-x64, what a self-contained or single-file
# publish uses) and the runtime installs of /usr/share/dotnet and /usr/lib/dotnet, or the
# directories given after DIR (a runtime pack's native/ directory or a shared framework's
# <version>/ directory). The version is the directory's (the pack's or the framework's version).
# Files are written 0644 in 0755 directories owned by the caller: ddreport loads only a DAC that
# nobody but root and the user it runs as could have written.
#   usage: tools/fill_dac_dir.sh DIR [SOURCE_DIR...]
set -euo pipefail
[[ $# -ge 1 ]] || { echo "usage: $0 DIR [SOURCE_DIR...]" >&2; exit 2; }
dest="$1"
shift
if [[ $# -eq 0 ]]; then
  nuget="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
  set -- "$nuget"/microsoft.netcore.app.runtime.linux-x64/*/runtimes/linux-x64/native \
         /usr/share/dotnet/shared/Microsoft.NETCore.App/* /usr/lib/dotnet/shared/Microsoft.NETCore.App/*
fi
umask 022
filed=0
for source in "$@"; do
  dac="$source/libmscordaccore.so"
  [[ -f "$dac" ]] || continue
  # .../<version>/runtimes/linux-x64/native (a pack) or .../Microsoft.NETCore.App/<version>.
  case "$source" in
    */runtimes/linux-x64/native) version="$(basename "$(dirname "$(dirname "$(dirname "$source")")")")" ;;
    *) version="$(basename "$source")" ;;
  esac
  [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+ ]] || { echo "fill_dac_dir: $source: no version in its path" >&2; continue; }
  build_id="$(readelf -n "$dac" | sed -n 's/^ *Build ID: *\([0-9a-f]*\)$/\1/p' | head -1)"
  [[ -n "$build_id" ]] || { echo "fill_dac_dir: $dac: no GNU build id" >&2; continue; }
  entry="$dest/$version/$build_id"
  mkdir -p "$entry"
  install -m 0644 "$dac" "$entry/libmscordaccore.so"
  echo "fill_dac_dir: $version $build_id <- $dac"
  filed=$((filed + 1))
done
[[ $filed -gt 0 ]] || { echo "fill_dac_dir: no libmscordaccore.so found" >&2; exit 1; }
