#!/usr/bin/env python3
"""The mmap ledger: ddreport's own mmap/munmap/mremap syscalls, traced with bpftrace
(tools/mmap_ledger.bt) while it snapshots native_fixture `pe FILE` -- a thread whose stack
runs through code in a mapped non-ELF file starting with "MZ", the case that makes
libunwind's _UPT_find_proc_info unmap an image twice (libunwind issue #738) -- and checked by
tools/check_mmap_ledger.py: no munmap of memory ddreport did not have mapped.
  usage: mmap_ledger_test.py DDREPORT DDQUERY FIXTURE [MMAP_LEDGER_BT CHECKER]

Asserted: tracefs is there (mounted if needed) and bpftrace attaches -- otherwise FAIL, never
skip; the checker catches a real double munmap traced the same way (a canary process named
ddreport that unmaps one range twice), so a clean result means something; then, for three
snapshots of the fixture: ddreport exit 0, the report's pe thread goes PeCallee -> a frame in
the MZ file -> PeCaller, the MZ file is a PE module; the ledger is complete (start and end
markers, no lost events, ddreport's mmaps present) and clean; the fixture keeps running.
"""

import os
import shlex
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_lib  # noqa: E402

TRAMPOLINE = bytes([0x55, 0x48, 0x89, 0xE5, 0xFF, 0xD7, 0x5D, 0xC3])

CANARY = r"""
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.prctl(15, b"ddreport", 0, 0, 0)            # PR_SET_NAME: comm "ddreport"
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int,
                      ctypes.c_int, ctypes.c_long]
libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
addr = libc.mmap(None, 8192, 1, 0x22, -1, 0)    # PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS
first = libc.munmap(addr, 8192)
second = libc.munmap(addr, 8192)                 # the double unmap (succeeds: nothing there)
print(f"CANARY {addr} {first} {second}", flush=True)
"""


def ensure_tracefs(checks):
    if not os.path.isdir("/sys/kernel/tracing/events/syscalls"):
        subprocess.run(["mount", "-t", "tracefs", "nodev", "/sys/kernel/tracing"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return checks.check(os.path.isdir("/sys/kernel/tracing/events/syscalls/sys_enter_munmap"),
                        "tracefs mounted with the syscall tracepoints")


def trace(bt_script, ledger, command, work):
    """Runs `command` under bpftrace -c; returns (bpftrace rc, its output, command rc,
    command pid)."""
    rc_file = os.path.join(work, "command.rc")
    pid_file = os.path.join(work, "command.pid")
    for f in (rc_file, pid_file):
        if os.path.exists(f):
            os.unlink(f)
    # bpftrace -c splits its command on spaces and wants an ELF program: run sh on a script,
    # which runs the command in a shell that writes its pid and execs it (same pid), so that
    # the checker can follow just that process (other ddreports may run on the machine).
    wrapper = os.path.join(work, "traced.sh")
    with open(wrapper, "w") as f:
        f.write("#!/bin/sh\n/bin/sh -c 'echo $$ > \"$0\"; exec \"$@\"' " + shlex.quote(pid_file) +
                " " + " ".join(shlex.quote(c) for c in command) +
                "\necho $? > " + shlex.quote(rc_file) + "\n")
    if " " in wrapper:
        raise RuntimeError(f"bpftrace -c cannot take a path with spaces: {wrapper}")
    done = subprocess.run(["bpftrace", "-o", ledger, "-c", "/bin/sh " + wrapper, bt_script],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=180)
    try:
        command_rc = int(open(rc_file).read())
        command_pid = int(open(pid_file).read())
    except (OSError, ValueError):
        command_rc = command_pid = None
    return done.returncode, done.stdout.decode(errors="replace"), command_rc, command_pid


def run_checker(checker, ledger, extra=()):
    done = subprocess.run([sys.executable, checker, ledger] + list(extra),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    return done.returncode, done.stdout.decode(errors="replace")


def main():
    ddreport, ddquery, fixture_path = e2e_lib.tools()
    checks = e2e_lib.Checks("mmap_ledger_test")
    # The shipped tools/mmap_ledger.bt and tools/check_mmap_ledger.py, as Bazel passes them.
    bt_script, checker = os.path.abspath(sys.argv[4]), os.path.abspath(sys.argv[5])
    if not checks.check(os.path.isfile(bt_script) and os.path.isfile(checker),
                        f"found {bt_script} and {checker}"):
        checks.finish()
    work = e2e_lib.work_dir("ledger")
    if not ensure_tracefs(checks):
        checks.finish()

    # 1. The canary: a real double munmap, traced and caught.
    canary_py = os.path.join(work, "canary.py")
    with open(canary_py, "w") as f:
        f.write(CANARY)
    ledger = os.path.join(work, "canary.ledger")
    bt_rc, bt_out, canary_rc, canary_pid = trace(bt_script, ledger, [sys.executable, canary_py],
                                                 work)
    if not checks.check(bt_rc == 0 and canary_rc == 0,
                        f"bpftrace attached and ran the canary (bpftrace exit {bt_rc}, canary "
                        f"exit {canary_rc})", bt_out[-2000:]):
        checks.finish()
    canary_line = [l for l in bt_out.splitlines() if l.startswith("CANARY ")]
    addr = int(canary_line[0].split()[1]) if canary_line else -1
    rc, out = run_checker(checker, ledger, ["--pid", str(canary_pid)])
    checks.check(rc == 1 and f"DOUBLE UNMAP: munmap({addr:#x}, 0x2000)" in out,
                 f"the checker flags the canary's double munmap at {addr:#x} (exit {rc})", out)

    # 2. ddreport on the fixture with a frame in a mapped "MZ" file.
    image = os.path.join(work, "fake.dll")
    with open(image, "wb") as f:
        content = b"MZ" + bytes(0x1000 - 2) + TRAMPOLINE
        f.write(content + bytes(0x2000 - len(content)))
    with e2e_lib.Fixture(fixture_path, ["pe", image]) as fixture:
        for run in range(3):
            report_path = os.path.join(work, f"report{run}.pb")
            ledger = os.path.join(work, f"ddreport{run}.ledger")
            bt_rc, bt_out, ddreport_rc, ddreport_pid = trace(
                bt_script, ledger, [ddreport, "--pid", str(fixture.pid), "-o", report_path], work)
            checks.check(bt_rc == 0, f"run {run}: bpftrace exit 0 (got {bt_rc})", bt_out[-2000:])
            checks.check(ddreport_rc == 0, f"run {run}: ddreport exit 0 (got {ddreport_rc})",
                         bt_out[-2000:])
            with open(ledger) as f:
                execs = [l.split() for l in f if l.startswith("EXEC ")]
            checks.check([e[2] for e in execs].count(str(ddreport_pid)) == 1,
                         f"run {run}: the ledger saw ddreport (pid {ddreport_pid}) start")
            rc, out = run_checker(checker, ledger, ["--pid", str(ddreport_pid)])
            print(f"run {run}: {out.strip()}", flush=True)
            checks.check(rc == 0 and "0 problem(s)" in out,
                         f"run {run}: the ledger is complete and has no bad munmap (checker exit {rc})",
                         out)
            checks.check(fixture.stopped_tasks() == {} and fixture.ping(),
                         f"run {run}: fixture running and answering")
            if not os.path.exists(report_path):
                checks.check(False, f"run {run}: report written")
                continue
            report = e2e_lib.query_json(ddquery, report_path)
            threads = [t for t in report.get("threads", []) if t.get("name") == "pe"]
            frames = threads[0].get("frames", []) if threads else []
            names = [f.get("function", "") for f in frames]
            in_image = [i for i, f in enumerate(frames) if f.get("module") == image]
            ok = (len(in_image) == 1 and 0 < in_image[0] < len(frames) - 1 and
                  names[in_image[0] - 1] == "native_fixture::PeCallee()" and
                  names[in_image[0] + 1] == "native_fixture::PeCaller(void*)")
            checks.check(ok, f"run {run}: pe thread unwinds PeCallee -> MZ image -> PeCaller",
                         f"{[(f.get('function'), f.get('module')) for f in frames]}")
            pe_modules = [m for m in report.get("modules", []) if m.get("path") == image]
            checks.check(len(pe_modules) == 1 and pe_modules[0].get("format") == "MODULE_FORMAT_PE",
                         f"run {run}: the MZ file is listed as a PE module", pe_modules)
    checks.finish()


if __name__ == "__main__":
    main()
