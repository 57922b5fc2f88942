#!/usr/bin/env bash
# Deployment as the README describes it, proved with the fake runtime: ddreport beside
# libddhook.so (no DDCRASH_REPORTER), preloaded (1) by a container-style ENTRYPOINT script that
# exports LD_PRELOAD and execs the app, and (2) host-wide through /etc/ld.so.preload, inside a
# private mount namespace so the real host is never affected.
#   usage: deploy_test.sh LIBDDHOOK DDREPORT DDQUERY FAKE_RUNTIME FAKE_CREATEDUMP
set -uo pipefail
hook=$(realpath "$1"); ddreport=$(realpath "$2"); ddquery=$(realpath "$3")
fake_runtime=$(realpath "$4"); fake_createdump=$(realpath "$5")
work=$(mktemp -d /tmp/ddcrash-deploy.XXXXXX)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

# The deployment directory users create: the library and the reporter side by side.
mkdir -p "$work/opt/ddcrash" "$work/runtime"
install -m 0755 "$hook" "$ddreport" "$work/opt/ddcrash/"
cp "$fake_createdump" "$work/runtime/createdump"

check_report() {  # DIR LABEL
  local report
  report=$(ls "$1"/ddcrash.fake_runtime.*.pb 2>/dev/null | head -1)
  if [ -z "$report" ]; then fail "$2: no report in $1"; return; fi
  if "$ddquery" "$report" --crashing | grep -q '"fake-worker-2" \[crashed\]'; then
    pass "$2: report names the crashing thread"
  else
    fail "$2: report does not name the crashing thread"
  fi
}

# 1. Container ENTRYPOINT style.
cat > "$work/entrypoint.sh" <<SCRIPT
#!/bin/sh
export LD_PRELOAD=$work/opt/ddcrash/libddhook.so
export DDCRASH_REPORT_DIR=$work/reports-entrypoint
exec "\$@"
SCRIPT
chmod +x "$work/entrypoint.sh"
"$work/entrypoint.sh" "$fake_runtime" "$work/runtime/createdump" 2> "$work/entrypoint.err"
status=$?
[ "$status" -eq 139 ] && pass "entrypoint: app exit status 139 unchanged" || fail "entrypoint: exit $status"
check_report "$work/reports-entrypoint" "entrypoint"

# 2. /etc/ld.so.preload, in a private mount namespace over a copy of /etc.
if ! unshare -m true 2>/dev/null; then
  fail "ld.so.preload: cannot create a mount namespace here (needs root); not tested"
else
  mkdir -p "$work/etc"
  cp -a /etc/. "$work/etc/" 2>/dev/null
  echo "$work/opt/ddcrash/libddhook.so" > "$work/etc/ld.so.preload"
  cat > "$work/in_namespace.sh" <<SCRIPT
#!/bin/sh
mount --bind "$work/etc" /etc || exit 90
# Every program now loads the hook; ordinary ones must keep working.
[ "\$(sh -c 'echo preloaded-sh')" = "preloaded-sh" ] || exit 91
env > /dev/null || exit 92
grep -q libddhook.so /proc/self/maps || exit 93
DDCRASH_REPORT_DIR=$work/reports-preload "$fake_runtime" "$work/runtime/createdump"
exit \$?
SCRIPT
  chmod +x "$work/in_namespace.sh"
  unshare -m "$work/in_namespace.sh" 2> "$work/preload.err"
  status=$?
  case "$status" in
    90) fail "ld.so.preload: bind mount failed" ;;
    91|92) fail "ld.so.preload: ordinary programs broke with the hook preloaded ($status)" ;;
    93) fail "ld.so.preload: the library was not loaded through /etc/ld.so.preload" ;;
    139) pass "ld.so.preload: shells work, library loaded, app exit status 139 unchanged" ;;
    *) fail "ld.so.preload: exit $status"; cat "$work/preload.err" ;;
  esac
  check_report "$work/reports-preload" "ld.so.preload"
  if grep -qs "$work" /etc/ld.so.preload; then fail "host /etc/ld.so.preload changed"; else pass "host /etc untouched"; fi
fi

[ "$failures" -eq 0 ] && echo "PASS" || echo "$failures FAILED"
exit $((failures > 0))
