#!/usr/bin/env bash
# Publishes tests/dotnet/ShapesApp in the shapes .NET apps ship in besides a plain self-contained
# app, for the hook's and ddreport's end-to-end tests (tests/dotnet_e2e/shapes_test.py):
#   out/shapes/aot/<tfm>/Ddcrash.Shapes (+ Ddcrash.Shapes.dbg)   NativeAOT (PublishAot), net8.0 net10.0
#   out/shapes/singlefile/<tfm>/Ddcrash.Shapes   self-contained single-file (PublishSingleFile),
#                                               net8.0 net9.0 net10.0
# Idempotent like build.sh (a stamp newer than every source: skipped). NativeAOT's link step
# needs only what setup.sh installs (gcc, zlib1g-dev, binutils' objcopy); the ILCompiler packs
# come from NuGet, their versions picked by the SDK. Cost on 2 cores: about 1.5 min per app the
# first time (plus the ILCompiler packs' restore), about 30 s per single-file app, under a second
# when up to date.
# Usage: tests/dotnet/build_shapes.sh [--force]; DDCRASH_DOTNET_OUT=DIR publishes into DIR/shapes.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
project="$here/ShapesApp/ShapesApp.csproj"
out_root="${DDCRASH_DOTNET_OUT:-$here/out}/shapes"
force=0
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    *) echo "build_shapes.sh: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DOTNET_GENERATE_ASPNET_CERTIFICATE=0 DOTNET_ADD_GLOBAL_TOOLS_TO_PATH=0
unset DOTNET_ENABLE_CDAC || true

sources=("$here/build_shapes.sh" "$project" "$here"/ShapesApp/*.cs)

up_to_date() {
  local stamp="$1" s
  [[ -f "$stamp" ]] || return 1
  for s in "${sources[@]}"; do
    [[ "$s" -nt "$stamp" ]] && return 1
  done
  return 0
}

# publish SHAPE TFM EXPECTED_FILES... -- PUBLISH_PROPERTIES...
publish() {
  local shape="$1" tfm="$2"
  shift 2
  local files=()
  while [[ "$1" != "--" ]]; do files+=("$1"); shift; done
  shift
  local dest="$out_root/$shape/$tfm" stamp="$out_root/$shape/$tfm/.ddcrash-build.stamp" f
  if [[ $force -eq 0 ]] && up_to_date "$stamp"; then
    echo "build_shapes.sh: $shape $tfm up to date"
    return
  fi
  echo "build_shapes.sh: publishing $shape $tfm -> $dest"
  rm -rf "$dest"
  # Each shape in its own intermediate directory: PublishAot and PublishSingleFile restore
  # different packs for the same project.
  dotnet publish "$project" -c Release -f "$tfm" -r linux-x64 -o "$dest" -nologo -v quiet \
      -clp:ErrorsOnly -p:BaseIntermediateOutputPath="$out_root/obj/$shape/" \
      -p:BaseOutputPath="$out_root/bin/$shape/" "$@"
  for f in "${files[@]}"; do
    [[ -e "$dest/$f" ]] || { echo "build_shapes.sh: $shape $tfm: $f missing after publish" >&2; exit 1; }
  done
  touch "$stamp"
}

for tfm in net8.0 net10.0; do
  publish aot "$tfm" Ddcrash.Shapes Ddcrash.Shapes.dbg -- -p:PublishAot=true
done
for tfm in net8.0 net9.0 net10.0; do
  publish singlefile "$tfm" Ddcrash.Shapes -- --self-contained -p:PublishSingleFile=true
done
