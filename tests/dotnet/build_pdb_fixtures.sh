#!/usr/bin/env bash
# Builds the portable PDB reader's fixtures into tests/dotnet/out-pdb/ (gitignored, .bazelignore'd):
#   oracle/PdbOracle.dll            System.Reflection.Metadata dump tool (pdb/ tests run it)
#   portable/Ddcrash.PdbSample.dll  + Ddcrash.PdbSample.pdb beside it
#   embedded/Ddcrash.PdbSample.dll  the PDB embedded in the assembly (DebugType embedded)
#   rebuilt/Ddcrash.PdbSample.dll   + .pdb, built from changed source (another PDB id)
# Idempotent: skipped when out-pdb/.ddcrash-build.stamp is newer than every source.
# Usage: tests/dotnet/build_pdb_fixtures.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$here/out-pdb"
stamp="$out/.ddcrash-build.stamp"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DOTNET_GENERATE_ASPNET_CERTIFICATE=0 DOTNET_ADD_GLOBAL_TOOLS_TO_PATH=0

sources=("$here/build_pdb_fixtures.sh" "$here"/PdbSample/* "$here"/PdbOracle/*)
if [[ -f "$stamp" ]]; then
  fresh=1
  for s in "${sources[@]}"; do [[ "$s" -nt "$stamp" ]] && fresh=0; done
  if [[ $fresh -eq 1 ]]; then echo "build_pdb_fixtures.sh: up to date"; exit 0; fi
fi

echo "build_pdb_fixtures.sh: building -> $out"
rm -rf "$out"
mkdir -p "$out"
# Each variant builds from its own copy of the sources so their obj/ directories never mix.
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
build() {  # build <project dir> <output dir> [msbuild properties...]
  local project="$1" dest="$2"
  shift 2
  local copy="$scratch/$(basename "$dest")"
  cp -r "$here/$project" "$copy"
  rm -rf "$copy/bin" "$copy/obj"
  dotnet build "$copy" -c Release -o "$dest" -nologo -v quiet -clp:ErrorsOnly "$@"
}
build PdbOracle "$out/oracle"
build PdbSample "$out/portable"
build PdbSample "$out/embedded" -p:DebugType=embedded
build PdbSample "$out/rebuilt" -p:DefineConstants=REBUILT
for f in oracle/PdbOracle.dll portable/Ddcrash.PdbSample.dll portable/Ddcrash.PdbSample.pdb \
    embedded/Ddcrash.PdbSample.dll rebuilt/Ddcrash.PdbSample.dll rebuilt/Ddcrash.PdbSample.pdb; do
  [[ -f "$out/$f" ]] || { echo "build_pdb_fixtures.sh: $f missing after build" >&2; exit 1; }
done
[[ ! -e "$out/embedded/Ddcrash.PdbSample.pdb" ]] ||
  { echo "build_pdb_fixtures.sh: embedded build left a .pdb beside the assembly" >&2; exit 1; }
touch "$stamp"
