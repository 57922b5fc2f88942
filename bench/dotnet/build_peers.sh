#!/usr/bin/env bash
# Builds the .NET benchmark's peers of ddreport (not shipped, not tested by CI):
#   OUT/clrmd/ClrmdStacks       bench/dotnet/ClrmdStacks (ClrMD, Microsoft.Diagnostics.Runtime)
#   OUT/dotnet-stack/dotnet-stack   the dotnet-stack tool (NuGet), in a local tool path
# Idempotent: skips what is newer than its sources. Needs the .NET SDK and NuGet.
#   usage: build_peers.sh OUT
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: build_peers.sh OUT" >&2; exit 2; }
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$1"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DOTNET_ADD_GLOBAL_TOOLS_TO_PATH=0

# The versions NuGet serves here; the csproj pins ClrMD's.
dotnet_stack_version=10.0.750501

src="$here/ClrmdStacks"
stamp="$out/clrmd/.stamp"
if [[ ! -f "$stamp" || "$src/Program.cs" -nt "$stamp" || "$src/ClrmdStacks.csproj" -nt "$stamp" ]]; then
  # Build from a copy: the sources may be read-only (Bazel runfiles).
  rm -rf "$out/clrmd-src" "$out/clrmd"
  mkdir -p "$out/clrmd-src"
  cp "$src/Program.cs" "$src/ClrmdStacks.csproj" "$out/clrmd-src/"
  dotnet build -c Release -o "$out/clrmd" "$out/clrmd-src/ClrmdStacks.csproj" >&2
  touch "$stamp"
fi

if [[ ! -x "$out/dotnet-stack/dotnet-stack" ]]; then
  dotnet tool install dotnet-stack --version "$dotnet_stack_version" \
    --tool-path "$out/dotnet-stack" >&2
fi
