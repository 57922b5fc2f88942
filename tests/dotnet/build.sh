#!/usr/bin/env bash
# Publishes the ddcrash .NET test app self-contained for net8.0, net9.0 and net10.0:
#   tests/dotnet/out/testapp/<tfm>/Ddcrash.TestApp   (+ libcoreclr.so, libmscordaccore.so, createdump)
# Idempotent: a TFM whose output is newer than every source is skipped (a second run takes well
# under a second). The SDK picks the runtime pack versions (latest patch it knows); none is pinned.
# Usage: tests/dotnet/build.sh [--force] [tfm...]
# DDCRASH_DOTNET_OUT=DIR publishes into DIR/testapp/<tfm> instead (the tests read the same variable).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
project="$here/TestApp/TestApp.csproj"
out_root="${DDCRASH_DOTNET_OUT:-$here/out}/testapp"
force=0
tfms=()
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    net*) tfms+=("$arg") ;;
    *) echo "build.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done
[[ ${#tfms[@]} -eq 0 ]] && tfms=(net8.0 net9.0 net10.0)

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DOTNET_GENERATE_ASPNET_CERTIFICATE=0 DOTNET_ADD_GLOBAL_TOOLS_TO_PATH=0
# Never let a caller's cDAC switch leak into the build's own dotnet processes.
unset DOTNET_ENABLE_CDAC || true

sources=("$here/build.sh" "$project" "$here"/TestApp/*.cs)

up_to_date() {
  local stamp="$1"
  [[ -f "$stamp" ]] || return 1
  local s
  for s in "${sources[@]}"; do
    [[ "$s" -nt "$stamp" ]] && return 1
  done
  return 0
}

for tfm in "${tfms[@]}"; do
  dest="$out_root/$tfm"
  stamp="$dest/.ddcrash-build.stamp"
  if [[ $force -eq 0 ]] && up_to_date "$stamp" \
      && [[ -x "$dest/Ddcrash.TestApp" && -f "$dest/libcoreclr.so" && -f "$dest/libmscordaccore.so" ]]; then
    echo "build.sh: $tfm up to date"
    continue
  fi
  echo "build.sh: publishing $tfm -> $dest"
  rm -rf "$dest"
  dotnet publish "$project" -c Release -f "$tfm" -r linux-x64 --self-contained \
      -o "$dest" -nologo -v quiet -clp:ErrorsOnly
  for f in Ddcrash.TestApp libcoreclr.so libmscordaccore.so createdump; do
    [[ -e "$dest/$f" ]] || { echo "build.sh: $tfm: $f missing after publish" >&2; exit 1; }
  done
  touch "$stamp"
done

# The portable PDB reader's fixtures and oracle (pdb/ tests), built into out-pdb/.
"$here/build_pdb_fixtures.sh"
"$here/build_lines.sh"

# The single-file and NativeAOT shapes of tests/dotnet/ShapesApp, built into out/shapes/.
"$here/build_shapes.sh"
"$here/build_excapp.sh"
