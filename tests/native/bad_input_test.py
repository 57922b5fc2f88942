#!/usr/bin/env python3
"""Bad input gets a clear message and the documented exit code, never a crash.

ddreport: --pid 999999999 -> 3 naming the pid; a zombie -> 3; --pid abc / 0 / -5 / an
overflowing number / no argument / an unknown option -> 2 with the usage text; -o into a
missing directory, -o onto a directory, and DDCRASH_REPORT_DIR under a regular file -> 5 with
the path in the message, and the target (a live native_fixture) is left running and not
stopped.
ddquery (on a good report written by ddreport here; it must read with exit 0): a missing
file, a directory, an empty file, an ELF file, random garbage (several sizes), the report
cut at every top-level field boundary (which protobuf alone would parse) and at 150 random
offsets, and a report claiming a newer schema -> 3 with a message; 300 single-bit flips ->
exit 0 or 3, never a signal; a FIFO -> 3 at once (never waits for a writer); 20 MB of empty
frames under a 512 MiB address-space limit -> 3 ("too large"), no abort; no arguments -> 2;
--tid of a missing thread -> 4.
"""

import os
import random
import resource
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_lib  # noqa: E402


def run(argv, env_extra=None, timeout=60, address_space=None):
    env = dict(os.environ)
    if env_extra:
        env.update(env_extra)
    limit = None
    if address_space:
        def limit():
            resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                          timeout=timeout, preexec_fn=limit)
    return done.returncode, done.stderr.decode(errors="replace")


def varint(value):
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def top_level_boundaries(data):
    """Offsets where a top-level protobuf field ends (wire format walk)."""
    def varint(pos):
        value, shift = 0, 0
        while True:
            byte = data[pos]
            pos += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                return value, pos
    out, pos = [], 0
    while pos < len(data):
        key, pos = varint(pos)
        wire = key & 7
        if wire == 0:
            _, pos = varint(pos)
        elif wire == 1:
            pos += 8
        elif wire == 2:
            length, pos = varint(pos)
            pos += length
        elif wire == 5:
            pos += 4
        else:
            raise ValueError(f"unexpected wire type {wire} at {pos}")
        out.append(pos)
    return out


def main():
    ddreport, ddquery, fixture_path = e2e_lib.tools()
    checks = e2e_lib.Checks("bad_input_test")
    work = e2e_lib.work_dir("bad")

    # --- ddreport ---
    rc, err = run([ddreport, "--pid", "999999999", "-o", os.path.join(work, "x.pb")])
    checks.check(rc == 3 and "999999999" in err and "no process" in err.lower(),
                 f"--pid 999999999: exit 3 (got {rc}), message names the pid: {err.strip()!r}")
    zombie = subprocess.Popen(["/bin/true"])
    deadline = time.monotonic() + 5
    while e2e_lib.task_state(zombie.pid, zombie.pid) != "Z" and time.monotonic() < deadline:
        time.sleep(0.01)
    rc, err = run([ddreport, "--pid", str(zombie.pid), "-o", os.path.join(work, "z.pb")])
    checks.check(rc == 3 and "zombie" in err, f"--pid ZOMBIE: exit 3 (got {rc}): {err.strip()!r}")
    zombie.wait()
    for args in (["--pid", "abc"], ["--pid", "0"], ["--pid", "-5"],
                 ["--pid", "99999999999999999999"], ["--pid"], [], ["--bogus"],
                 ["--pid", "12abc"]):
        rc, err = run([ddreport] + args)
        checks.check(rc == 2 and "usage" in err, f"ddreport {' '.join(args)}: exit 2 with usage "
                     f"(got {rc}): {err.splitlines()[0] if err else ''!r}")

    with e2e_lib.Fixture(fixture_path, ["shapes"]) as fixture:
        pid = str(fixture.pid)
        missing = os.path.join(work, "no", "such", "dir", "r.pb")
        rc, err = run([ddreport, "--pid", pid, "-o", missing])
        checks.check(rc == 5 and missing in err,
                     f"-o into a missing directory: exit 5 (got {rc}): {err.strip()!r}")
        checks.check(not os.path.exists(missing), "nothing written there")
        rc, err = run([ddreport, "--pid", pid, "-o", work])
        checks.check(rc == 5, f"-o onto a directory: exit 5 (got {rc}): {err.strip()!r}")
        blocker = os.path.join(work, "a-file")
        open(blocker, "w").close()
        rc, err = run([ddreport, "--pid", pid],
                      {"DDCRASH_REPORT_DIR": os.path.join(blocker, "reports")})
        checks.check(rc == 5 and blocker in err,
                     f"DDCRASH_REPORT_DIR under a regular file: exit 5 (got {rc}): {err.strip()!r}")
        checks.check(fixture.stopped_tasks() == {} and fixture.ping(),
                     "target running and answering after the failed writes")
        good = os.path.join(work, "good.pb")
        rc, err = run([ddreport, "--pid", pid, "-o", good])
        checks.check(rc == 0, f"control: a good report (exit {rc})", err)

    # --- ddquery ---
    rc, err = run([ddquery, good])
    checks.check(rc == 0, f"control: ddquery reads the good report (exit {rc})", err)
    data = open(good, "rb").read()

    def query_bad(label, content=None, path=None, expect=3):
        if path is None:
            path = os.path.join(work, "bad.pb")
            with open(path, "wb") as f:
                f.write(content)
        rc, err = run([ddquery, path])
        return checks.check(rc == expect and err.startswith("ddquery: ") and len(err) > 20,
                            f"ddquery {label}: exit {expect} (got {rc}): {err.strip()[:120]!r}")

    query_bad("missing file", path=os.path.join(work, "does-not-exist.pb"))
    query_bad("directory", path=work)
    query_bad("empty file", b"")
    query_bad("ELF file", open("/bin/true", "rb").read())
    rng = random.Random(20240611)
    for size in (1, 2, 7, 64, 4096, 100000):
        query_bad(f"{size} random bytes", bytes(rng.randrange(256) for _ in range(size)))
    query_bad("4096 zero bytes", bytes(4096))
    query_bad("newer schema (schemaVersion 3)",
              b"\x08\x03" + data[2:] if data[:2] == b"\x08\x02" else b"")

    boundaries = top_level_boundaries(data)
    checks.check(boundaries and boundaries[-1] == len(data) and len(boundaries) > 10,
                 f"the good report has {len(boundaries)} top-level fields")
    bad_cuts = []
    for cut in boundaries[:-1] + sorted(rng.sample(range(1, len(data)), 150)):
        with open(os.path.join(work, "cut.pb"), "wb") as f:
            f.write(data[:cut])
        rc, err = run([ddquery, os.path.join(work, "cut.pb")])
        if rc != 3 or not err.startswith("ddquery: "):
            bad_cuts.append(f"cut at {cut} of {len(data)}: exit {rc}: {err.strip()[:100]!r}")
    checks.check(not bad_cuts, f"report cut at {len(boundaries) - 1} field boundaries and 150 "
                 f"random offsets: exit 3 every time", "\n".join(bad_cuts[:10]))

    crashes = []
    for _ in range(300):
        flipped = bytearray(data)
        bit = rng.randrange(len(data) * 8)
        flipped[bit // 8] ^= 1 << (bit % 8)
        with open(os.path.join(work, "flip.pb"), "wb") as f:
            f.write(flipped)
        rc, err = run([ddquery, os.path.join(work, "flip.pb"), "--json"])
        if rc not in (0, 3):
            crashes.append(f"bit {bit}: exit {rc}: {err.strip()[:100]!r}")
    checks.check(not crashes, "300 single-bit flips: exit 0 or 3, never a crash",
                 "\n".join(crashes[:10]))

    # A FIFO with no writer: refused at once, never waited on.
    fifo = os.path.join(work, "report.fifo")
    os.mkfifo(fifo)
    start = time.monotonic()
    try:
        rc, err = run([ddquery, fifo], timeout=10)
    except subprocess.TimeoutExpired:
        rc, err = None, "ddquery blocked on the FIFO"
    checks.check(rc == 3 and "not a regular file" in err and time.monotonic() - start < 5,
                 f"ddquery on a FIFO: exit 3 at once (got {rc}): {err.strip()[:120]!r}")

    # 20 MB of empty frames (~1.3 GB once parsed) under a 512 MiB address-space limit: a clear
    # refusal, not an abort or an OOM kill.
    thread = b"\x08\x07" + b"\x42\x00" * (10 << 20)
    oversized = os.path.join(work, "oversized.pb")
    with open(oversized, "wb") as f:
        f.write(data + b"\x32" + varint(len(thread)) + thread)
    rc, err = run([ddquery, oversized, "--json"], timeout=60, address_space=512 << 20)
    checks.check(rc == 3 and "too large" in err,
                 f"ddquery on 20 MB of empty frames under a 512 MiB limit: exit 3 "
                 f"(got {rc}): {err.strip()[:160]!r}")

    rc, err = run([ddquery])
    checks.check(rc == 2, f"ddquery without arguments: exit 2 (got {rc})")
    rc, err = run([ddquery, good, "--tid", "1"])
    checks.check(rc == 4, f"ddquery --tid of a missing thread: exit 4 (got {rc})")
    checks.finish()


if __name__ == "__main__":
    main()
