#!/usr/bin/env bash
# ddreport's USDT probes (provider "ddcrash") are in the binary and fire in order, so a
# bpftrace one-liner can put the reporter's phases next to its syscalls. If bpftrace cannot
# attach here, this test fails: it never passes without having seen the probes fire.
#   usage: usdt_test.sh DDREPORT STACK_TARGET
set -uo pipefail
ddreport=$(realpath "$1"); target=$(realpath "$2")
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

notes=$(readelf -n "$ddreport" | sed -n 's/.*Name: \(.*\)/\1/p' | sort -u | tr '\n' ' ')
for probe in stage_begin stage_end thread_unwound checkpoint_written report_written dac_opened \
    dac_threads_listed dac_thread_walked; do
  [[ " $notes" == *" $probe "* ]] && pass "probe $probe in the ELF notes" || fail "probe $probe missing ($notes)"
done

if ! mountpoint -q /sys/kernel/tracing; then
  mount -t tracefs nodev /sys/kernel/tracing || fail "cannot mount tracefs"
fi
work=$(mktemp -d "${TEST_TMPDIR:-/tmp}/usdt.XXXXXX")
"$target" 3 5 > "$work/ready" &
target_pid=$!
for _ in $(seq 100); do grep -q READY "$work/ready" 2>/dev/null && break; sleep 0.05; done
program="
usdt:$ddreport:ddcrash:stage_begin { printf(\"begin %s\n\", str(arg0)); }
usdt:$ddreport:ddcrash:stage_end { printf(\"end %s\n\", str(arg0)); }
usdt:$ddreport:ddcrash:thread_unwound { printf(\"thread %d %d\n\", arg0, arg1); }
usdt:$ddreport:ddcrash:report_written { printf(\"written %s\n\", str(arg0)); }"
BPFTRACE_STRLEN=200 timeout 120 bpftrace -e "$program" -c "$ddreport --pid $target_pid -o $work/r.pb" > "$work/trace" 2> "$work/trace.err"
rc=$?
kill "$target_pid"
if [ $rc -ne 0 ] || ! grep -q '^begin attach' "$work/trace"; then
  fail "bpftrace could not trace ddreport (exit $rc): $(head -c 500 "$work/trace.err")"
else
  sequence=$(grep -E '^(begin|end) ' "$work/trace" | tr '\n' ',')
  expected="begin attach,end attach,begin unwind,end unwind,begin dac,end dac,begin detach,end detach,begin write,end write,"
  [ "$sequence" = "$expected" ] && pass "stages fire in order: $sequence" || fail "stage sequence: $sequence"
  threads=$(grep -c '^thread ' "$work/trace")
  [ "$threads" -eq 4 ] && pass "thread_unwound fired for all 4 threads" || fail "thread_unwound fired $threads times"
  grep -q "^written $work/r.pb" "$work/trace" && pass "report_written names the report" || fail "report_written missing"
fi
rm -rf "$work"
[ "$failures" -eq 0 ] && echo "PASS" || echo "$failures FAILED"
exit $((failures > 0))
