#!/usr/bin/env bash
# Makes the release artifacts from built binaries:
#   package.sh OUT_DIR DDREPORT DDQUERY LIBDDHOOK README LICENSE INSTALL_SH
# writes OUT_DIR/ddcrash-<version>-linux-x64.tar.gz and OUT_DIR/ddcrash_<version>_amd64.deb.
# The version is the one ddreport reports. release/build.sh runs it on a fresh build; the
# Debian 11 test (tests/olddistro) installs what it makes.
set -euo pipefail
[ $# -eq 7 ] || { echo "usage: $0 OUT_DIR DDREPORT DDQUERY LIBDDHOOK README LICENSE INSTALL_SH" >&2; exit 2; }
out=$1 ddreport=$2 ddquery=$3 hook=$4 readme=$5 license=$6 install_sh=$7
for tool in dpkg-deb tar; do
  command -v "$tool" >/dev/null || { echo "package.sh: $tool not found" >&2; exit 1; }
done
version=$("$ddreport" --version | sed -n 's/^ddreport \([^ ]*\) .*/\1/p')
[ -n "$version" ] || { echo "package.sh: no version from $ddreport --version" >&2; exit 1; }
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The copyright files of the Debian packages whose archives are linked into the binaries
# (third_party/, and libstdc++ / libgcc from GCC).
notices() {
  for package in libstdc++-12-dev libabsl-dev libprotobuf-dev libre2-dev libunwind-dev liblzma-dev; do
    file=/usr/share/doc/$package/copyright
    [ -r "$file" ] || { echo "package.sh: $file missing (package $package)" >&2; return 1; }
    printf '==== %s (statically linked; from Debian package %s)\n\n' \
      "$(dpkg-query -W -f='${source:Package} ${Version}' "$package")" "$package"
    cat "$file"
    printf '\n'
  done
}

# Tarball: one directory with the binaries, the documents and install.sh.
name=ddcrash-$version-linux-x64
stage=$work/$name
mkdir -p "$stage"
install -m 0755 "$ddreport" "$stage/ddreport"
install -m 0755 "$ddquery" "$stage/ddquery"
install -m 0644 "$hook" "$stage/libddhook.so"
install -m 0644 "$readme" "$stage/README.md"
install -m 0644 "$license" "$stage/LICENSE"
install -m 0755 "$install_sh" "$stage/install.sh"
notices > "$stage/THIRD_PARTY_NOTICES"
tar -C "$work" --owner=0 --group=0 --numeric-owner -czf "$out/$name.tar.gz" "$name"

# Debian package: the same files in /opt/ddcrash, no maintainer scripts (it never touches
# /etc/ld.so.preload), so removing it removes every file it installed.
root=$work/deb
mkdir -p "$root/DEBIAN" "$root/opt/ddcrash"
for file in ddreport ddquery libddhook.so README.md LICENSE THIRD_PARTY_NOTICES; do
  cp -p "$stage/$file" "$root/opt/ddcrash/$file"
done
cat > "$root/DEBIAN/control" <<CONTROL
Package: ddcrash
Version: $version
Architecture: amd64
Maintainer: ddcrash developers <ddcrash@localhost>
Depends: libc6 (>= 2.17)
Section: devel
Priority: optional
Installed-Size: $(du -sk "$root/opt" | cut -f1)
Description: crash reporter for .NET applications
 ddreport writes a report of every thread's native and managed stack when a .NET
 process crashes (through the preloaded libddhook.so) or on demand (ddreport --pid).
 ddquery reads the reports. Installed in /opt/ddcrash; the hook is not enabled by
 installing the package: see /opt/ddcrash/README.md, "Deployment".
CONTROL
dpkg-deb --root-owner-group -Zxz --build "$root" "$out/ddcrash_${version}_amd64.deb" >/dev/null
echo "$out/$name.tar.gz"
echo "$out/ddcrash_${version}_amd64.deb"
