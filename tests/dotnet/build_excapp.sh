#!/usr/bin/env bash
# Publishes the exception test app (ExcApp, `async Task Main`) self-contained for net8.0,
# net9.0 and net10.0 into <out>/excapp/<tfm>/Ddcrash.ExcApp (+ libcoreclr.so,
# libmscordaccore.so, createdump), <out> being $DDCRASH_DOTNET_OUT or tests/dotnet/out.
# Idempotent: a TFM whose output is newer than every source is skipped.
# Usage: tests/dotnet/build_excapp.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
project="$here/ExcApp/ExcApp.csproj"
out_root="${DDCRASH_DOTNET_OUT:-$here/out}/excapp"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DOTNET_GENERATE_ASPNET_CERTIFICATE=0 DOTNET_ADD_GLOBAL_TOOLS_TO_PATH=0
unset DOTNET_ENABLE_CDAC || true

sources=("$here/build_excapp.sh" "$project" "$here"/ExcApp/*.cs)
for tfm in net8.0 net9.0 net10.0; do
  dest="$out_root/$tfm"
  stamp="$dest/.ddcrash-build.stamp"
  fresh=0
  if [[ -f "$stamp" && -x "$dest/Ddcrash.ExcApp" ]]; then
    fresh=1
    for s in "${sources[@]}"; do [[ "$s" -nt "$stamp" ]] && fresh=0; done
  fi
  if [[ $fresh -eq 1 ]]; then echo "build_excapp.sh: $tfm up to date"; continue; fi
  echo "build_excapp.sh: publishing $tfm -> $dest"
  rm -rf "$dest"
  dotnet publish "$project" -c Release -f "$tfm" -r linux-x64 --self-contained \
      -o "$dest" -nologo -v quiet -clp:ErrorsOnly
  for f in Ddcrash.ExcApp Ddcrash.ExcApp.pdb libcoreclr.so libmscordaccore.so createdump; do
    [[ -e "$dest/$f" ]] || { echo "build_excapp.sh: $tfm: $f missing after publish" >&2; exit 1; }
  done
  touch "$stamp"
done
