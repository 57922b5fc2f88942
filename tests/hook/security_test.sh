#!/usr/bin/env bash
# The hook never widens anyone's privileges or dumps where another user can read, tried the way
# an attacker on the same host would. Needs root: throwaway uids (no passwd entry) through
# setpriv, setuid / setgid / file-capability copies of a launcher, and /etc/ld.so.preload
# bind-mounted in a private mount namespace (the host's /etc is never touched).
#   1. Secure execution: the hook does nothing at all, whatever DDCRASH_REPORTER says.
#   2. A reporter anyone but root and the process's user could have written is refused, said
#      on stderr, and the runtime's own dump behaviour is kept.
#   3. The marker dump name cannot be created by anyone; a child of a hooked process in which
#      the hook does not take over gets the user's own dump settings back.
#   4. Under /etc/ld.so.preload a user's own dump settings, set in a shell that inherited the
#      hook's, win over the inherited record.
#   usage: security_test.sh LIBDDHOOK DDREPORT FAKE_RUNTIME FAKE_CREATEDUMP SETUID_LAUNCHER
#                           EUID_WITNESS DOTNET_BUILD_SH
set -uo pipefail
export PATH="/usr/sbin:/sbin:$PATH"  # setcap
hook=$(realpath "$1"); ddreport=$(realpath "$2"); fake_runtime=$(realpath "$3")
fake_createdump=$(realpath "$4"); launcher=$(realpath "$5"); witness_bin=$(realpath "$6")
# The .NET test apps live beside the real tests/dotnet/build.sh (see tests/dotnet/BUILD.bazel).
dotnet_app="$(dirname "$(realpath "$7")")/out/testapp/net8.0/Ddcrash.TestApp"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }
if [ "$(id -u)" -ne 0 ]; then fail "must run as root (setuid copies, other uids, mount namespaces)"; exit 1; fi
[ -x "$dotnet_app" ] || { fail "$dotnet_app is missing: run tests/dotnet/build.sh first"; exit 1; }

# Outside TEST_TMPDIR (root's 0700 cache): the throwaway users must reach their files.
work=$(mktemp -d /tmp/ddcrash-security.XXXXXX)
chmod 0755 "$work"
markers=()
cleanup() {
  # Today's hook named files in /tmp; never leave one behind.
  for m in "${markers[@]}"; do case "$m" in /proc/*) ;; *) rm -f "$m" ;; esac; done
  rm -rf "$work"
}
trap cleanup EXIT

free_id() {  # first id from $1 with neither a user nor a group
  local id=$1
  while getent passwd "$id" > /dev/null || getent group "$id" > /dev/null; do id=$((id + 1)); done
  echo "$id"
}
user_a=$(free_id 61000)
user_b=$(free_id $((user_a + 1)))
as_user() { local id=$1; shift; setpriv --reuid="$id" --regid="$id" --clear-groups "$@"; }

# root's: the deployment, the programs, the fake createdump.
mkdir -p "$work/opt/ddcrash" "$work/bin" "$work/runtime" "$work/out" "$work/user"
install -m 0755 "$hook" "$ddreport" "$work/opt/ddcrash/"
install -m 0755 "$fake_runtime" "$witness_bin" "$work/bin/"
install -m 0755 "$fake_createdump" "$work/runtime/createdump"
hook_copy="$work/opt/ddcrash/libddhook.so"
createdump="$work/runtime/createdump"
trusted_reporter="$work/bin/euid_witness"
install -o 0 -g 0 -m 4755 "$launcher" "$work/bin/setuid_launcher"
install -o 0 -g 0 -m 2755 "$launcher" "$work/bin/setgid_launcher"
install -o 0 -g 0 -m 0755 "$launcher" "$work/bin/cap_launcher"
setcap cap_net_bind_service+ep "$work/bin/cap_launcher" || fail "setcap failed"
# user A's: a directory, and a "reporter" that records who runs it.
chown "$user_a:$user_a" "$work/user"
install -o "$user_a" -g "$user_a" -m 0755 "$witness_bin" "$work/user/evil"
witness="$work/user/witness"
export FAKE_CREATEDUMP_LOG="$work/user/createdump.log"

# ---- 1 and 4: /etc/ld.so.preload in a private mount namespace ------------------------------
if ! unshare -m true 2> /dev/null; then
  fail "cannot create a mount namespace here"
else
  mkdir -p "$work/etc"
  cp -a /etc/. "$work/etc/" 2> /dev/null
  echo "$hook_copy" > "$work/etc/ld.so.preload"
  cat > "$work/in_namespace.sh" << SCRIPT
#!/bin/sh
mount --bind "$work/etc" /etc || exit 90
# 1. User A runs privileged copies of the launcher with their own reporter, and with root's,
#    in a fresh environment (env's own hook has set the dump switches in env's).
for kind in setuid setgid cap; do
  for reporter in "$work/user/evil" "$trusted_reporter"; do
    tag=\$kind-\$(basename "\$reporter")
    setpriv --reuid=$user_a --regid=$user_a --clear-groups \\
      env -i PATH="\$PATH" WITNESS="$witness.\$tag" DDCRASH_REPORTER="\$reporter" FAKE_CREATEDUMP_LOG="\$FAKE_CREATEDUMP_LOG" \\
      "$work/bin/\${kind}_launcher" "$createdump" "/proc/ddcrash-hook-marker.%p" \\
      > "$work/out/\$tag.out" 2>&1
  done
done
# 4. A shell that inherited the hook's settings sets the user's own; the app's hook must follow
#    them. And one that leaves them alone keeps the user's "no dumps".
sh -c 'sh -c "export DOTNET_DbgEnableMiniDump=1 DOTNET_DbgMiniDumpName=$work/mine.%p;
  DDCRASH_REPORT_DIR=$work/reports-mine FAKE_CREATEDUMP_LOG=$work/mine.log exec $work/bin/fake_runtime $createdump"' 2> "$work/out/mine.err"
sh -c 'sh -c "DDCRASH_REPORT_DIR=$work/reports-inherited FAKE_CREATEDUMP_LOG=$work/inherited.log exec $work/bin/fake_runtime $createdump"' 2> "$work/out/inherited.err"
exit 0
SCRIPT
  chmod +x "$work/in_namespace.sh"
  unshare -m "$work/in_namespace.sh"
  [ $? -eq 90 ] && fail "bind mount of /etc failed"
  if grep -qs "$work" /etc/ld.so.preload; then fail "host /etc/ld.so.preload changed"; fi

  for kind in setuid setgid cap; do
    case $kind in
      setuid) privileged="euid=0 " ;;
      setgid) privileged="egid=0 " ;;
      cap) privileged="euid=$user_a " ;;
    esac
    for reporter in evil euid_witness; do
      tag=$kind-$reporter
      out=$(cat "$work/out/$tag.out")
      if ! grep -q "launcher: secure=1 .*$privileged" <<< "$out"; then
        fail "$tag: the launcher did not run privileged: $out"
        continue
      fi
      grep -q "DOTNET_DbgEnableMiniDump=(unset)" <<< "$out" \
        && pass "$tag: the hook left the environment alone" \
        || fail "$tag: the hook changed the environment: $out"
      if [ -e "$witness.$tag" ]; then
        fail "$tag: the hook ran $reporter in a secure-execution process: $(cat "$witness.$tag")"
      else
        pass "$tag: the hook did not run the reporter"
      fi
    done
  done
  grep -q -- "--name /proc/ddcrash-hook-marker.%p" "$FAKE_CREATEDUMP_LOG" 2> /dev/null \
    && pass "secure execution: the createdump launch went through untouched" \
    || fail "secure execution: createdump never ran"

  ls "$work"/reports-mine/ddcrash.fake_runtime.*.pb > /dev/null 2>&1 \
    && pass "user's own dump settings: report written" || { fail "user's own dump settings: no report"; cat "$work/out/mine.err"; }
  grep -q -- "--name $work/mine.%p " "$work/mine.log" 2> /dev/null && ls "$work"/mine.[0-9]* > /dev/null 2>&1 \
    && pass "user's own dump settings win over the inherited record: their dump written" \
    || fail "user's own dump settings ignored: createdump log: $(cat "$work/mine.log" 2> /dev/null)"
  ls "$work"/reports-inherited/ddcrash.fake_runtime.*.pb > /dev/null 2>&1 && [ ! -e "$work/inherited.log" ] \
    && pass "inherited settings untouched: report, no dump (the user asked for none)" \
    || fail "inherited settings: createdump log: $(cat "$work/inherited.log" 2> /dev/null)"
fi

# ---- 2: which reporter the hook trusts (as root, through LD_PRELOAD) ----------------------
run_app() {  # TAG REPORTER [VAR=VALUE...]: fake_runtime as root with the hook; sets $status
  local tag=$1 reporter=$2; shift 2
  rm -f "$FAKE_CREATEDUMP_LOG" "$witness.$tag"
  env LD_PRELOAD="$hook_copy" DDCRASH_REPORTER="$reporter" WITNESS="$witness.$tag" "$@" \
    timeout 30 "$work/bin/fake_runtime" "$createdump" 2> "$work/out/$tag.err"
  status=$?
}
expect_refused() {  # TAG REPORTER WHY
  run_app "$1" "$2"
  if grep -qF "ddcrash: not using reporter $2: $3" "$work/out/$1.err" && [ ! -e "$witness.$1" ] \
     && [ ! -e "$FAKE_CREATEDUMP_LOG" ] && [ "$status" -eq 139 ]; then
    pass "$1: refused ($3), dumps left off as the user had them, exit 139"
  else
    fail "$1: exit $status, witness: $(cat "$witness.$1" 2> /dev/null), stderr: $(cat "$work/out/$1.err")"
  fi
}
expect_refused "other-owner" "$work/user/evil" "$work/user/evil is owned by uid $user_a, neither root nor uid 0"
mkdir -p "$work/group-dir" "$work/others-file"
chgrp "$user_b" "$work/group-dir" && chmod 0775 "$work/group-dir"
install -m 0755 "$witness_bin" "$work/group-dir/reporter"
expect_refused "group-writable-dir" "$work/group-dir/reporter" "$work/group-dir is writable by group $user_b"
install -m 0777 "$witness_bin" "$work/others-file/reporter"
expect_refused "others-writable" "$work/others-file/reporter" "$work/others-file/reporter is writable by others"
ln -s "$work/user/evil" "$work/bin/link-to-evil"
expect_refused "symlink" "$work/bin/link-to-evil" "$work/user/evil is owned by uid $user_a, neither root nor uid 0"
# Refused, with the user's own dump settings: the runtime dumps under the user's name.
run_app "refused-userdump" "$work/user/evil" DOTNET_DbgEnableMiniDump=1 DOTNET_DbgMiniDumpName="$work/own.%p"
grep -q -- "--name $work/own.%p " "$FAKE_CREATEDUMP_LOG" 2> /dev/null && [ ! -e "$witness.refused-userdump" ] \
  && pass "refused reporter: the runtime's own dump under the user's name" \
  || fail "refused reporter with user dumps: log $(cat "$FAKE_CREATEDUMP_LOG" 2> /dev/null)"
# Trusted: root's file in a sticky world-writable directory; the user's own for the user.
mkdir -p "$work/sticky" && chmod 1777 "$work/sticky"
install -m 0755 "$witness_bin" "$work/sticky/reporter"
run_app "sticky" "$work/sticky/reporter"
grep -q "uid=0 euid=0" "$witness.sticky" 2> /dev/null \
  && pass "root's reporter in a sticky world-writable directory is used" || fail "sticky: $(cat "$work/out/sticky.err")"
rm -f "$witness.own"
as_user "$user_a" env LD_PRELOAD="$hook_copy" DDCRASH_REPORTER="$work/user/evil" WITNESS="$witness.own" \
  FAKE_CREATEDUMP_LOG=/dev/null timeout 30 "$work/bin/fake_runtime" "$createdump" 2> "$work/out/own.err"
grep -q "uid=$user_a euid=$user_a" "$witness.own" 2> /dev/null \
  && pass "a user's own reporter is used for that user's app" || fail "own reporter: $(cat "$work/out/own.err")"

# ---- 3: the marker, and children in which the hook does not take over ----------------------
# A hooked shell starts each child. Just before it, user B tries to create the file the child's
# inherited marker names (its pid is the shell's: exec keeps it).
cat > "$work/child.sh" << SCRIPT
#!/bin/sh
marker=\$(printf '%s' "\$DOTNET_DbgMiniDumpName" | sed "s/%p/\$\$/g")
echo "\$marker" > "$work/out/marker.\$1"
setpriv --reuid=$user_b --regid=$user_b --clear-groups sh -c ': > "\$1"' sh "\$marker" 2> /dev/null
case \$1 in
  disabled) exec env DDCRASH_ENABLED=0 "$work/bin/fake_runtime" "$createdump" ;;
  untrusted) exec env DDCRASH_REPORTER="$work/user/evil" "$work/bin/fake_runtime" "$createdump" ;;
  no-preload) exec env -u LD_PRELOAD "$work/bin/fake_runtime" "$createdump" ;;
  dotnet-disabled) exec env DDCRASH_ENABLED=0 "$dotnet_app" crash-worker ;;
  dotnet-no-preload) exec env -u LD_PRELOAD "$dotnet_app" crash-worker ;;
esac
SCRIPT
chmod +x "$work/child.sh"
for mode in disabled untrusted no-preload dotnet-disabled dotnet-no-preload; do
  rm -f "$FAKE_CREATEDUMP_LOG"
  env -u DOTNET_DbgEnableMiniDump -u DOTNET_DbgMiniDumpName LD_PRELOAD="$hook_copy" \
    DDCRASH_REPORTER="$work/opt/ddcrash/ddreport" DDCRASH_REPORT_DIR="$work/reports3" WITNESS="$witness.3" \
    timeout 60 "$work/child.sh" "$mode" > /dev/null 2> "$work/out/$mode.err"
  marker=$(cat "$work/out/marker.$mode")
  markers+=("$marker")
  case "$marker" in
    *ddcrash-hook-marker*) ;;
    *) fail "$mode: the hooked shell's dump name is '$marker', not the marker" ;;
  esac
  if [ -e "$marker" ]; then
    fail "$mode: a file exists at the marker path $marker ($(stat -c '%U %s bytes' "$marker"))"
  else
    pass "$mode: nothing at the marker path $marker, and user B could not create it"
  fi
  case $mode in
    disabled|untrusted)
      [ ! -e "$FAKE_CREATEDUMP_LOG" ] && pass "$mode: user's settings restored: no dump launched" \
        || fail "$mode: createdump launched: $(cat "$FAKE_CREATEDUMP_LOG")" ;;
  esac
done
[ ! -e "$witness.3" ] || fail "the untrusted reporter ran: $(cat "$witness.3")"
# The user had asked for dumps under their own name: a child with the hook off dumps there.
rm -f "$FAKE_CREATEDUMP_LOG"
LD_PRELOAD="$hook_copy" DDCRASH_REPORTER="$work/opt/ddcrash/ddreport" DDCRASH_REPORT_DIR="$work/reports3" \
  DOTNET_DbgEnableMiniDump=1 DOTNET_DbgMiniDumpName="$work/orig.%p" \
  sh -c "exec env DDCRASH_ENABLED=0 \"$work/bin/fake_runtime\" \"$createdump\"" 2> "$work/out/orig.err"
grep -q -- "--name $work/orig.%p " "$FAKE_CREATEDUMP_LOG" 2> /dev/null && ls "$work"/orig.[0-9]* > /dev/null 2>&1 \
  && pass "hook off in a child: the user's own dump name restored" \
  || fail "hook off in a child: createdump log $(cat "$FAKE_CREATEDUMP_LOG" 2> /dev/null)"

[ "$failures" -eq 0 ] && echo "PASS" || echo "$failures FAILED"
exit $((failures > 0))
