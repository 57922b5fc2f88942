#!/usr/bin/env bash
# The hook end to end, without .NET: a fixture that crashes like the runtime does, with
# libddhook.so preloaded, must leave a report from ddreport and die exactly as it would have;
# every other exec must pass through untouched.
#   usage: hook_test.sh LIBDDHOOK DDREPORT DDQUERY FAKE_RUNTIME FAKE_CREATEDUMP
set -uo pipefail
hook=$(realpath "$1"); ddreport=$(realpath "$2"); ddquery=$(realpath "$3")
fake_runtime=$(realpath "$4"); fake_createdump=$(realpath "$5")
work=$(mktemp -d "${TEST_TMPDIR:-/tmp}/hook.XXXXXX")
mkdir -p "$work/runtime"
cp "$fake_createdump" "$work/runtime/createdump"
export FAKE_CREATEDUMP_LOG="$work/createdump.log"
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

# Run the fixture; sets $status and fills $work/stderr.
crash() {
  rm -f "$FAKE_CREATEDUMP_LOG"
  env "$@" timeout 30 "$fake_runtime" "$work/runtime/createdump" 2> "$work/stderr"
  status=$?
}

# 1. NEEDED: libc, and libdl, where dlsym is on glibc < 2.34 (third_party/glibc).
needed=$(readelf -d "$hook" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
[ "$needed" = "libdl.so.2 libc.so.6 " ] && pass "libddhook.so needs only libc and libdl" ||
  fail "libddhook.so NEEDED: $needed"

# 2. Baseline without the hook: SIGSEGV kills it (128 + 11).
crash DOTNET_DbgEnableMiniDump=0
baseline=$status
[ "$baseline" -eq 139 ] && pass "baseline exit 139" || fail "baseline exit $baseline"

# 3. With the hook: a report, the same exit status, createdump not run, a line on stderr.
reports="$work/reports"
start_ms=$(date +%s%3N)
crash LD_PRELOAD="$hook" DDCRASH_REPORTER="$ddreport" DDCRASH_REPORT_DIR="$reports"
elapsed_ms=$(( $(date +%s%3N) - start_ms ))
[ "$status" -eq "$baseline" ] && pass "hooked exit $status (unchanged)" || fail "hooked exit $status, expected $baseline"
report=$(ls "$reports"/ddcrash.fake_runtime.*.pb 2>/dev/null | head -1)
if [ -z "$report" ]; then
  fail "no report in $reports"; cat "$work/stderr"
else
  pass "report written: $(basename "$report") in ${elapsed_ms} ms"
  "$ddquery" "$report" > "$work/summary" || fail "ddquery summary failed"
  grep -q "Signal: SIGSEGV (SEGV_MAPERR) at 0x10" "$work/summary" && pass "signal recorded" || { fail "signal missing"; cat "$work/summary"; }
  "$ddquery" "$report" --crashing > "$work/crashing" || fail "no crashing thread"
  grep -q '"fake-worker-2" \[crashed\]' "$work/crashing" && pass "crashing thread named" || { fail "crashing thread wrong"; cat "$work/crashing"; }
  grep -q "CrashHere" "$work/crashing" && pass "crashing frame CrashHere found" || { fail "CrashHere not on the crashing stack"; cat "$work/crashing"; }
  threads=$("$ddquery" "$report" --threads | wc -l)
  [ "$threads" -eq 5 ] && pass "5 threads" || fail "$threads threads, expected 5"
fi
grep -q "^ddcrash: .*fake_runtime (pid [0-9]*) crashed: SIGSEGV in thread [0-9]* \"fake-worker-2\"" "$work/stderr" \
  && pass "one line on the app's stderr" || { fail "stderr line missing"; cat "$work/stderr"; }
[ ! -e "$FAKE_CREATEDUMP_LOG" ] && pass "createdump not run" || fail "createdump ran: $(cat "$FAKE_CREATEDUMP_LOG")"

# 3b. NativeAOT's launch: execv (glibc's execv calls its internal execve, past an execve
#     interposer): the same report, createdump not run.
crash FAKE_RUNTIME_EXEC=execv LD_PRELOAD="$hook" DDCRASH_REPORTER="$ddreport" DDCRASH_REPORT_DIR="$work/reports-execv"
ls "$work"/reports-execv/ddcrash.fake_runtime.*.pb > /dev/null 2>&1 && [ "$status" -eq "$baseline" ] \
  && [ ! -e "$FAKE_CREATEDUMP_LOG" ] && pass "execv launch: report, exit $status, createdump not run" \
  || { fail "execv launch: exit $status, no report or createdump ran"; cat "$work/stderr"; }

# 3c. NativeAOT's start-up check of a createdump beside the executable, which NativeAOT apps do
#     not ship: without the hook (the user enabling dumps) the runtime's message; with the hook
#     no message (the hook's DbgEnableMiniDump must not cause one) and a report; with the hook
#     and the user enabling dumps, the runtime's message as without the hook.
mkdir -p "$work/aot"
cp "$fake_runtime" "$work/aot/fake_runtime"
aot_crash() {
  rm -f "$FAKE_CREATEDUMP_LOG"
  env FAKE_RUNTIME_EXEC=execv FAKE_RUNTIME_AOT_CHECK=1 "$@" timeout 30 "$work/aot/fake_runtime" \
    "$work/aot/createdump" 2> "$work/stderr"
  status=$?
}
message="DOTNET_DbgEnableMiniDump is set and the createdump binary does not exist"
aot_crash DOTNET_DbgEnableMiniDump=1
grep -q "$message" "$work/stderr" && [ "$status" -eq "$baseline" ] \
  && pass "AOT check without the hook: the runtime's message" || fail "AOT check without the hook: $(cat "$work/stderr")"
aot_crash LD_PRELOAD="$hook" DDCRASH_REPORTER="$ddreport" DDCRASH_REPORT_DIR="$work/reports-aot"
! grep -q "$message" "$work/stderr" && [ "$status" -eq "$baseline" ] \
  && ls "$work"/reports-aot/ddcrash.fake_runtime.*.pb > /dev/null 2>&1 \
  && pass "AOT check with the hook: no message, a report, exit $status" \
  || { fail "AOT check with the hook: exit $status"; cat "$work/stderr"; }
aot_crash LD_PRELOAD="$hook" DDCRASH_REPORTER="$ddreport" DDCRASH_REPORT_DIR="$work/reports-aot2" DOTNET_DbgEnableMiniDump=1
grep -q "$message" "$work/stderr" && [ "$status" -eq "$baseline" ] \
  && pass "AOT check with the hook, user enabling dumps: the runtime's own message" \
  || { fail "AOT check with the hook and the user's dumps: exit $status"; cat "$work/stderr"; }
out=$(LD_PRELOAD="$hook" DDCRASH_REPORTER="$ddreport" sh -c "cd '$work/aot' && test -e createdump && echo present || echo absent")
[ "$out" = "absent" ] && pass "other programs still see no createdump there" || fail "sh sees createdump: $out"

# 4. The user asked for dumps: report, then the real createdump under the user's own name.
crash LD_PRELOAD="$hook" DDCRASH_REPORTER="$ddreport" DDCRASH_REPORT_DIR="$work/reports2" \
  DOTNET_DbgEnableMiniDump=1 DOTNET_DbgMiniDumpName="$work/user.%p"
ls "$work"/reports2/ddcrash.*.pb > /dev/null 2>&1 && pass "report with passthrough" || fail "no report with passthrough"
grep -q -- "--name $work/user.%p [0-9]* --signal 11" "$FAKE_CREATEDUMP_LOG" 2>/dev/null \
  && pass "real createdump run with the user's dump name" || fail "createdump log: $(cat "$FAKE_CREATEDUMP_LOG" 2>/dev/null)"
[ "$status" -eq "$baseline" ] && pass "passthrough exit unchanged" || fail "passthrough exit $status"

# 5. DDCRASH_ENABLED=0: the hook does nothing (no dump launch at all).
crash LD_PRELOAD="$hook" DDCRASH_REPORTER="$ddreport" DDCRASH_REPORT_DIR="$work/reports3" DDCRASH_ENABLED=0
[ ! -d "$work/reports3" ] && [ ! -e "$FAKE_CREATEDUMP_LOG" ] && pass "DDCRASH_ENABLED=0 disables" || fail "DDCRASH_ENABLED=0 still reported"

# 6. A reporter that hangs or crashes never holds the app: the hook arms a watchdog timer
#    (DDCRASH_TIMEOUT_MS + 1 s) that survives execve, and a dead reporter ends the app's wait.
printf '#!/bin/sh\nexec sleep 60\n' > "$work/hanging_reporter"
printf '#!/bin/sh\nkill -SEGV $$\n' > "$work/crashing_reporter"
chmod +x "$work/hanging_reporter" "$work/crashing_reporter"
start_ms=$(date +%s%3N)
crash LD_PRELOAD="$hook" DDCRASH_REPORTER="$work/hanging_reporter" DDCRASH_TIMEOUT_MS=500
elapsed_ms=$(( $(date +%s%3N) - start_ms ))
[ "$status" -eq "$baseline" ] && [ "$elapsed_ms" -lt 4000 ] \
  && pass "hanging reporter: app released after ${elapsed_ms} ms, exit $status" \
  || fail "hanging reporter: exit $status after ${elapsed_ms} ms"
start_ms=$(date +%s%3N)
crash LD_PRELOAD="$hook" DDCRASH_REPORTER="$work/crashing_reporter"
elapsed_ms=$(( $(date +%s%3N) - start_ms ))
[ "$status" -eq "$baseline" ] && [ "$elapsed_ms" -lt 4000 ] \
  && pass "crashing reporter: app exit $status after ${elapsed_ms} ms" \
  || fail "crashing reporter: exit $status after ${elapsed_ms} ms"

# 7. DDCRASH_* settings reach ddreport however large the environment: 1,500 entries, with
#    DDCRASH_REPORT_DIR the last of them.
filler=()
for i in $(seq 1500); do filler+=("FILLER_$i=value-$i"); done
crash LD_PRELOAD="$hook" DDCRASH_REPORTER="$ddreport" "${filler[@]}" DDCRASH_REPORT_DIR="$work/reports-bigenv"
ls "$work"/reports-bigenv/ddcrash.fake_runtime.*.pb > /dev/null 2>&1 \
  && pass "1,500 environment entries: the report is in DDCRASH_REPORT_DIR" \
  || { fail "1,500 environment entries: no report in DDCRASH_REPORT_DIR"; cat "$work/stderr"; }

# 8. Every other exec goes through untouched with the library preloaded.
out=$(LD_PRELOAD="$hook" DDCRASH_REPORTER="$ddreport" sh -c 'echo hello-from-sh')
[ "$out" = "hello-from-sh" ] && pass "sh -c works" || fail "sh -c printed '$out'"
out=$(LD_PRELOAD="$hook" DDCRASH_REPORTER="$ddreport" env | grep -c '^LD_PRELOAD=')
[ "$out" = "1" ] && pass "env works and children keep LD_PRELOAD" || fail "env: $out"
rm -f "$FAKE_CREATEDUMP_LOG"
LD_PRELOAD="$hook" DDCRASH_REPORTER="$ddreport" sh -c "\"$work/runtime/createdump\" --name $work/on-demand.%p 1"
grep -q -- "--name $work/on-demand.%p 1" "$FAKE_CREATEDUMP_LOG" 2>/dev/null \
  && pass "on-demand createdump (no marker) untouched" || fail "on-demand createdump was intercepted"
out=$(LD_PRELOAD="$hook" python3 -c 'import subprocess; print(subprocess.run(["echo","py-child"],capture_output=True,text=True).stdout.strip())' 2>&1)
[ "$out" = "py-child" ] && pass "python subprocess works" || fail "python subprocess: $out"

rm -rf "$work"
[ "$failures" -eq 0 ] && echo "PASS" || echo "$failures FAILED"
exit $((failures > 0))
