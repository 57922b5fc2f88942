#!/usr/bin/env bash
# ddcrash on an older distribution: Debian 11 (glibc 2.31), in a root filesystem made with
# `debootstrap --variant=minbase bullseye` from Debian's archive and cached in
# $DDCRASH_BULLSEYE_ROOTFS (default /var/cache/ddcrash/bullseye; made here when missing, which
# needs the network once). The release artifacts are made with release/package.sh; the test
# enters the rootfs with chroot inside a private mount namespace, on a throwaway overlay (the
# cache stays pristine; every mount, /proc included, dies with the namespace), and runs
# inside.sh there. Root is required; a missing prerequisite FAILS.
#   usage: debian11_test.sh DDREPORT DDQUERY LIBDDHOOK PACKAGE_SH README LICENSE INSTALL_SH
#          INSIDE_SH BUILD_SH
set -euo pipefail
ddreport=$(realpath "$1") ddquery=$(realpath "$2") hook=$(realpath "$3")
package_sh=$(realpath "$4") readme=$(realpath "$5") license=$(realpath "$6")
install_sh=$(realpath "$7") inside_sh=$(realpath "$8") build_sh=$(realpath "$9")
fail() { echo "FAIL: $*"; exit 1; }
export PATH=/usr/sbin:/sbin:$PATH  # debootstrap and chroot (Bazel's strict action PATH lacks them)

[ "$(id -u)" -eq 0 ] || fail "must run as root (debootstrap, unshare -m, chroot)"
for tool in debootstrap unshare chroot flock dpkg-deb mount; do
  command -v "$tool" >/dev/null || fail "$tool not found (./setup.sh installs it)"
done
app=${DDCRASH_DOTNET_OUT:-$(dirname "$build_sh")/out}/testapp/net8.0
[ -x "$app/Ddcrash.TestApp" ] || fail "$app/Ddcrash.TestApp is missing: run tests/dotnet/build.sh first"

# The rootfs, made once and reused. A lock keeps two runs from building it at once; the
# marker is written only after debootstrap succeeded, so an interrupted run starts over.
rootfs=${DDCRASH_BULLSEYE_ROOTFS:-/var/cache/ddcrash/bullseye}
mkdir -p "$(dirname "$rootfs")"
exec 9>"$rootfs.lock"
flock 9
if [ ! -f "$rootfs/.ddcrash-rootfs-complete" ]; then
  rm -rf "$rootfs" "$rootfs.partial"
  start=$(date +%s)
  debootstrap --variant=minbase bullseye "$rootfs.partial" http://deb.debian.org/debian \
    > "${TEST_TMPDIR:-/tmp}/debootstrap.log" 2>&1 ||
    { tail -20 "${TEST_TMPDIR:-/tmp}/debootstrap.log"; fail "debootstrap bullseye failed"; }
  touch "$rootfs.partial/.ddcrash-rootfs-complete"
  mv "$rootfs.partial" "$rootfs"
  echo "debootstrap --variant=minbase bullseye: $(($(date +%s) - start)) s"
fi
flock -u 9

work=$(mktemp -d "${TEST_TMPDIR:-/tmp}/debian11.XXXXXX")
"$package_sh" "$work/dist" "$ddreport" "$ddquery" "$hook" "$readme" "$license" "$install_sh"
version=$("$ddreport" --version | sed -n 's/^ddreport \([^ ]*\) .*/\1/p')
tarball=$work/dist/ddcrash-$version-linux-x64.tar.gz
deb=$work/dist/ddcrash_${version}_amd64.deb
[ -f "$tarball" ] && [ -f "$deb" ] || fail "package.sh did not write $tarball and $deb"
revision=$("$ddreport" --version | sed -n 's/.*(\(.*\))$/\1/p')

# Everything below runs in a private mount namespace: the overlay, /proc and /dev in it go
# away with it, and the host's mount table never sees them.
mountpoint -q "$rootfs/proc" && fail "$rootfs/proc is mounted on the host (left over?)"
mkdir "$work/overlay"
start=$(date +%s)
status=0
unshare --mount --propagation private /bin/sh -eu -c '
  rootfs=$1 work=$2 app=$3 inside=$4 tarball=$5 deb=$6 revision=$7
  mount -t tmpfs tmpfs "$work/overlay"
  mkdir -p "$work/overlay/upper" "$work/overlay/work" "$work/overlay/root"
  mount -t overlay overlay \
    -o "lowerdir=$rootfs,upperdir=$work/overlay/upper,workdir=$work/overlay/work" "$work/overlay/root"
  root=$work/overlay/root
  mount -t proc proc "$root/proc"
  mount --rbind /dev "$root/dev"
  mkdir -p "$root/ddcrash-test/app"
  cp -a "$app/." "$root/ddcrash-test/app/"
  cp "$inside" "$tarball" "$deb" "$root/ddcrash-test/"
  exec chroot "$root" /bin/sh /ddcrash-test/inside.sh "$(basename "$tarball")" \
    "$(basename "$deb")" "$revision"
' debian11 "$rootfs" "$work" "$app" "$inside_sh" "$tarball" "$deb" "$revision" || status=$?
echo "chroot part: $(($(date +%s) - start)) s"
mountpoint -q "$rootfs/proc" && fail "$rootfs/proc stayed mounted on the host"
if grep -q "$work" /proc/self/mounts; then fail "a mount under $work stayed on the host"; fi
[ "$status" -eq 0 ] || fail "checks inside the Debian 11 root filesystem failed (exit $status)"
echo "PASS"
