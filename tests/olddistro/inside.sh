#!/bin/sh
# Runs inside the Debian 11 root filesystem (debian11_test.sh): the tarball's install.sh, the
# hook in a plain program, the .deb with dpkg -i, a .NET 8 crash under the hook and a live
# snapshot, all from /opt/ddcrash, then dpkg -r. Exits non-zero when any check fails.
#   usage: inside.sh TARBALL DEB REVISION   (files in /ddcrash-test, the app in /ddcrash-test/app)
set -u
tarball=/ddcrash-test/$1 deb=/ddcrash-test/$2 revision=$3
app=/ddcrash-test/app/Ddcrash.TestApp
failures=0
check() {  # check DESCRIPTION COMMAND...
  what=$1; shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; failures=$((failures + 1)); fi
}
has() { grep -q -- "$2" "$1"; }  # has FILE PATTERN

check "glibc is 2.31" sh -c 'ldd --version | head -1 | grep -q "2\.31$"'
[ -e /etc/ld.so.preload ] && { echo "FAIL: /etc/ld.so.preload exists in the fresh rootfs"; exit 1; }

# The tarball.
mkdir -p /tmp/tarball && tar -C /tmp/tarball -xzf "$tarball"
/tmp/tarball/ddcrash-*/install.sh > /tmp/install.out 2>&1
check "install.sh exits 0" [ $? -eq 0 ]
check "install.sh prints the preload line" has /tmp/install.out "^  /opt/ddcrash/libddhook.so$"
for f in ddreport ddquery libddhook.so README.md LICENSE THIRD_PARTY_NOTICES; do
  check "install.sh installed /opt/ddcrash/$f" [ -f /opt/ddcrash/$f ]
done
check "a plain program runs with the tarball's hook preloaded" \
  sh -c '[ "$(LD_PRELOAD=/opt/ddcrash/libddhook.so /bin/echo hello)" = hello ]'
rm -rf /opt/ddcrash

# The Debian package. Every file outside the scratch and dpkg's own records, before
# installing, to compare with after removing. Not /opt itself: no package of this rootfs owns
# it, so dpkg removes it with ddcrash when it is empty, as for any package installed there.
files() {
  find / -xdev \( -path /tmp -o -path /ddcrash-test -o -path /var/lib/dpkg -o -path /var/log \
    -o -path /var/cache \) -prune -o -print | grep -vx /opt | sort
}
files > /tmp/files.before
dpkg -i "$deb" > /tmp/dpkg.out 2>&1
check "dpkg -i exits 0" [ $? -eq 0 ] || cat /tmp/dpkg.out
check "ddreport --version names the version and revision $revision" \
  sh -c '/opt/ddcrash/ddreport --version | grep -qx "ddreport [0-9.]* ($0)"' "$revision"
check "ddquery --version runs" sh -c '/opt/ddcrash/ddquery --version | grep -q "^ddquery "'
check "a plain program runs with the hook preloaded" \
  sh -c '[ "$(LD_PRELOAD=/opt/ddcrash/libddhook.so /bin/echo hello)" = hello ]'
check "ls runs with the hook preloaded" sh -c 'LD_PRELOAD=/opt/ddcrash/libddhook.so ls / > /dev/null'
check "the package did not create /etc/ld.so.preload" [ ! -e /etc/ld.so.preload ]

# A .NET 8 crash under the hook: an unhandled exception on a worker thread.
mkdir -p /tmp/reports
LD_PRELOAD=/opt/ddcrash/libddhook.so DDCRASH_REPORT_DIR=/tmp/reports "$app" crash-worker \
  > /tmp/crash.out 2>&1
rc=$?
check "the app dies of its crash (exit $rc, SIGABRT = 134)" [ "$rc" -eq 134 ]
report=$(ls /tmp/reports/* 2>/dev/null | head -1)
check "the hook's ddreport wrote a report" [ -n "$report" ]
if [ -n "$report" ]; then
  /opt/ddcrash/ddquery "$report" > /tmp/crash.txt 2>&1
  check "ddquery reads it" [ $? -eq 0 ]
  /opt/ddcrash/ddquery "$report" --json > /tmp/crash.json 2>&1
  check "the report has the exception" has /tmp/crash.json '"type": *"System.InvalidOperationException"'
  check "the exception message" has /tmp/crash.json 'ddcrash test: worker thread'
  check "the managed frames of the crashing thread (Crasher.Level2)" has /tmp/crash.json 'Level2'
  check "the managed frames of the crashing thread (Crasher.Level1)" has /tmp/crash.json 'Level1'
  check "the report names the source revision" has /tmp/crash.json "\"reporterSourceRevision\": *\"$revision\""
  check "the rendered report shows managed frames" has /tmp/crash.txt 'Level2'
fi

# ddreport --pid on a live app.
"$app" live > /tmp/live.out 2>&1 &
pid=$!
i=0
while ! grep -q "^READY $pid" /tmp/live.out && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
check "the live app is ready" grep -q "^READY $pid" /tmp/live.out
/opt/ddcrash/ddreport --pid "$pid" -o /tmp/live.report > /tmp/snapshot.err 2>&1
check "ddreport --pid exits 0" [ $? -eq 0 ] || cat /tmp/snapshot.err
kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
/opt/ddcrash/ddquery /tmp/live.report --json > /tmp/live.json 2>&1
check "the snapshot names managed frames (Parker.ParkHere)" has /tmp/live.json 'ParkHere'
check "the snapshot names managed frames (Worker.Run)" has /tmp/live.json 'Worker.Run'

# Removal leaves nothing behind.
dpkg -r ddcrash > /tmp/dpkg-r.out 2>&1
check "dpkg -r exits 0" [ $? -eq 0 ]
check "dpkg -r removed /opt/ddcrash" [ ! -e /opt/ddcrash ]
files > /tmp/files.after
check "dpkg -r left no file behind (nor removed one)" cmp -s /tmp/files.before /tmp/files.after
cmp -s /tmp/files.before /tmp/files.after || diff /tmp/files.before /tmp/files.after | head -20
status=$(dpkg-query -W -f='${db:Status-Status}' ddcrash 2>/dev/null)
check "dpkg knows ddcrash as not installed (status '$status')" \
  sh -c '[ -z "$0" ] || [ "$0" = not-installed ]' "$status"

if [ $failures -ne 0 ]; then
  echo "$failures check(s) FAILED"
  for f in /tmp/crash.out /tmp/crash.txt; do echo "== $f"; tail -40 "$f"; done
  exit 1
fi
echo "all checks passed"
