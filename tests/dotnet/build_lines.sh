#!/usr/bin/env bash
# Publishes the source-lines test app (LinesApp/) self-contained in the variants the lines
# suite of tests/dotnet_e2e compares with the runtime's own stack trace:
#   out/lines/<variant>/<tfm>/Ddcrash.LinesApp (+ .dll, .pdb unless embedded, the runtime)
#   variants on net10.0: debug-jit, release-jit-embedded, release-r2r, release-r2r-embedded;
#   on net8.0 and net9.0: debug-jit, release-r2r (the extremes: full debug codegen, and
#   optimised precompiled code).
#   out/lines/rebuilt/net10.0/Ddcrash.LinesApp.pdb: the PDB of the release-jit build of changed
#   source (another PDB id), for the mismatched-PDB case.
# Idempotent: skipped when out/lines/.ddcrash-build.stamp is newer than every source.
# DDCRASH_DOTNET_OUT=DIR builds into DIR/lines instead (the tests read the same variable).
# Usage: tests/dotnet/build_lines.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${DDCRASH_DOTNET_OUT:-$here/out}/lines"
stamp="$out/.ddcrash-build.stamp"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DOTNET_GENERATE_ASPNET_CERTIFICATE=0 DOTNET_ADD_GLOBAL_TOOLS_TO_PATH=0
unset DOTNET_ENABLE_CDAC || true

sources=("$here/build_lines.sh" "$here"/LinesApp/*)
if [[ -f "$stamp" ]]; then
  fresh=1
  for s in "${sources[@]}"; do [[ "$s" -nt "$stamp" ]] && fresh=0; done
  if [[ $fresh -eq 1 ]]; then echo "build_lines.sh: up to date"; exit 0; fi
fi

echo "build_lines.sh: publishing -> $out"
rm -rf "$out"
mkdir -p "$out"
# One fixed source directory for every variant, so the PDBs record the same document path;
# each build gets fresh bin/ and obj/.
src="$out/src"
cp -r "$here/LinesApp" "$src"
publish() {  # publish <variant> <tfm> <msbuild args...>
  local variant="$1" tfm="$2"
  shift 2
  rm -rf "$src/bin" "$src/obj"
  dotnet publish "$src/LinesApp.csproj" -f "$tfm" -r linux-x64 --self-contained \
      -o "$out/$variant/$tfm" -nologo -v quiet -clp:ErrorsOnly "$@"
  [[ -x "$out/$variant/$tfm/Ddcrash.LinesApp" ]] ||
    { echo "build_lines.sh: $variant/$tfm: no app after publish" >&2; exit 1; }
}
for tfm in net8.0 net9.0 net10.0; do
  publish debug-jit "$tfm" -c Debug
  publish release-r2r "$tfm" -c Release -p:PublishReadyToRun=true
done
publish release-jit-embedded net10.0 -c Release -p:DebugType=embedded
publish release-r2r-embedded net10.0 -c Release -p:PublishReadyToRun=true -p:DebugType=embedded
for v in release-jit-embedded release-r2r-embedded; do
  [[ ! -e "$out/$v/net10.0/Ddcrash.LinesApp.pdb" ]] ||
    { echo "build_lines.sh: $v left a .pdb beside the assembly" >&2; exit 1; }
done
# The variants of one runtime differ only in the app's own files: the rest become hard links
# to the debug-jit variant's (about 70 MB per variant otherwise).
for dir in "$out"/*/net*; do
  tfm="$(basename "$dir")"
  first="$out/debug-jit/$tfm"
  [[ "$dir" == "$first" ]] && continue
  (cd "$dir" && find . -type f ! -name 'Ddcrash.LinesApp*' -print0) |
    while IFS= read -r -d '' f; do
      if [[ -f "$first/$f" ]] && cmp -s "$first/$f" "$dir/$f"; then ln -f "$first/$f" "$dir/$f"; fi
    done
done
rm -rf "$src/bin" "$src/obj"
mkdir -p "$out/rebuilt/net10.0"
dotnet build "$src/LinesApp.csproj" -c Release -f net10.0 -p:DefineConstants=REBUILT \
    -o "$src/bin/rebuilt" -nologo -v quiet -clp:ErrorsOnly
cp "$src/bin/rebuilt/Ddcrash.LinesApp.pdb" "$out/rebuilt/net10.0/"
rm -rf "$src/bin" "$src/obj"
touch "$stamp"
