#!/bin/sh
# Installs ddcrash from the release tarball: ./install.sh [DIR] (default /opt/ddcrash).
# Copies the files only: it never edits /etc/ld.so.preload or any environment; it prints how to
# turn the hook on.
set -eu
prefix=${1:-/opt/ddcrash}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$prefix"
for file in ddreport ddquery; do install -m 0755 "$here/$file" "$prefix/$file"; done
install -m 0644 "$here/libddhook.so" "$prefix/libddhook.so"
for file in README.md LICENSE THIRD_PARTY_NOTICES; do install -m 0644 "$here/$file" "$prefix/$file"; done
echo "ddcrash installed in $prefix ($("$prefix/ddreport" --version))."
echo "Preload the hook into .NET processes, e.g.:"
echo "  LD_PRELOAD=$prefix/libddhook.so dotnet MyApp.dll"
echo "or host-wide, the line"
echo "  $prefix/libddhook.so"
echo "in /etc/ld.so.preload (README.md, \"Deployment\")."
